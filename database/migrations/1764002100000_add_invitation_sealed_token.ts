import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The invitation's token encrypted with APP_KEY, so an owner or admin can
 * copy the link of a pending invitation when the mail does not reach the
 * invitee. Invitations made before this column stay without it, and their
 * link exists only in the mail.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('invitations', (table) => {
      table.text('token_encrypted').nullable()
    })
  }

  async down() {
    this.schema.alterTable('invitations', (table) => {
      table.dropColumn('token_encrypted')
    })
  }
}

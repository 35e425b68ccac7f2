import { BaseSchema } from '#sdk'

/** Why an attempt got no response, as a word the delivery log translates. */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('webhook_attempts', (table) => {
      table.string('failure', 30).nullable()
    })
  }

  async down() {
    this.schema.alterTable('webhook_attempts', (table) => {
      table.dropColumn('failure')
    })
  }
}

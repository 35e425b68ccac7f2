import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The last inbound message that resumed a branch-on-reply step of the
 * journey. A later step takes only newer messages, so one reply never
 * resumes two steps.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('journeys', (table) => {
      table.bigInteger('last_reply_message_id').unsigned().nullable()
    })
  }

  async down() {
    this.schema.alterTable('journeys', (table) => {
      table.dropColumn('last_reply_message_id')
    })
  }
}

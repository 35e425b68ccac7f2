import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The journeys of a campaign whose send the quiet-hours policy holds, as
 * of its last published progress, and the earliest instant one of them
 * goes on, so a list shows that the campaign waits for the end of quiet
 * hours, not that it is about to send.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('campaign_runs', (table) => {
      table.integer('held').notNullable().defaultTo(0)
      table.timestamp('held_until').nullable()
    })
  }

  async down() {
    this.schema.alterTable('campaign_runs', (table) => {
      table.dropColumn('held')
      table.dropColumn('held_until')
    })
  }
}

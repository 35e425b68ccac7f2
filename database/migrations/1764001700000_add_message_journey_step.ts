import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Gives a campaign message the journey step that sent it. `(journey_id,
 * journey_step)` is unique, so two runs of one step (a retry racing the
 * run it replaces) store one message between them, and a retried step
 * finds the message of its first run by that key. Messages outside a
 * journey keep both columns null, which the unique index allows many times.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.integer('journey_step').unsigned().nullable()
      table.unique(['journey_id', 'journey_step'])
    })
  }

  async down() {
    this.schema.alterTable('messages', (table) => {
      table.dropUnique(['journey_id', 'journey_step'])
      table.dropColumn('journey_step')
    })
  }
}

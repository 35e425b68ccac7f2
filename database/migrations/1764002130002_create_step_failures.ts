import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Campaign steps that failed before their message existed, such as a send
 * whose template was deleted or lacks a value for the contact. The journey
 * leaves through the step's `failed` port and no `messages` row records the
 * failure, so the campaign's failed count adds these rows. One row per
 * journey step, so a step that runs again is counted once.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('step_failures', (table) => {
      table.bigIncrements('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table
        .integer('campaign_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('campaigns')
        .onDelete('CASCADE')
      table.bigInteger('journey_id').unsigned().notNullable()
      table.integer('step').unsigned().notNullable()
      table.string('node_id', 64).notNullable()
      table.integer('contact_id').unsigned().nullable()
      table.string('code', 40).notNullable()
      table.string('reason', 500).notNullable()
      table.timestamp('created_at').notNullable()
      table.unique(['journey_id', 'step'])
      table.index(['campaign_id', 'code'])
    })
  }

  async down() {
    this.schema.dropTable('step_failures')
  }
}

import { BaseSchema } from '#sdk'

/**
 * Failures the reports count apart from the stage buckets.
 * `reports_step_marks` has one row per journey step that failed before its
 * message existed (the `step:failed` event), so a repeated event adds
 * nothing. `reports_failures` holds the failed count per tenant, campaign
 * (`0` for none) and failure code, for the breakdown by reason. Failures
 * counted before this table existed are in the buckets only.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('reports_step_marks', (table) => {
      table.bigInteger('journey_id').unsigned().notNullable()
      table.integer('step').unsigned().notNullable()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.primary(['journey_id', 'step'])
    })

    this.schema.createTable('reports_failures', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.integer('campaign_id').unsigned().notNullable().defaultTo(0)
      table.string('code', 60).notNullable()
      table.integer('failed').unsigned().notNullable().defaultTo(0)
      table.unique(['tenant_id', 'campaign_id', 'code'], { indexName: 'reports_failures_key' })
    })
  }

  async down() {
    this.schema.dropTable('reports_failures')
    this.schema.dropTable('reports_step_marks')
  }
}

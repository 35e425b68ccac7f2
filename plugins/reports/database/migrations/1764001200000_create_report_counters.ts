import { BaseSchema } from '#sdk'

/**
 * The reports' stored counters. `reports_message_marks` has one row per
 * message the reports counted, with a flag per stage already counted, so a
 * repeated event adds nothing. `reports_buckets` holds the sums per tenant,
 * period (`hour` in UTC, `day` in the tenant's time zone), campaign,
 * instance and node; `0` and `''` stand for "none", because a unique key
 * treats NULLs as distinct.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('reports_message_marks', (table) => {
      table.bigInteger('message_id').unsigned().primary()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.integer('campaign_id').unsigned().notNullable().defaultTo(0)
      table.integer('instance_id').unsigned().notNullable()
      table.string('node_id', 64).notNullable().defaultTo('')
      for (const stage of ['queued', 'sent', 'delivered', 'read', 'failed', 'replied']) {
        table.boolean(stage).notNullable().defaultTo(false)
      }
      table.boolean('opted_out').notNullable().defaultTo(false)
      table.boolean('received').notNullable().defaultTo(false)
    })

    this.schema.createTable('reports_buckets', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('period', 4).notNullable()
      table.string('bucket', 13).notNullable()
      table.integer('campaign_id').unsigned().notNullable().defaultTo(0)
      table.integer('instance_id').unsigned().notNullable().defaultTo(0)
      table.string('node_id', 64).notNullable().defaultTo('')
      for (const stage of ['queued', 'sent', 'delivered', 'read', 'failed', 'replied']) {
        table.integer(stage).unsigned().notNullable().defaultTo(0)
      }
      table.integer('opted_out').unsigned().notNullable().defaultTo(0)
      table.integer('received').unsigned().notNullable().defaultTo(0)
      table.unique(['tenant_id', 'period', 'bucket', 'campaign_id', 'instance_id', 'node_id'], {
        indexName: 'reports_buckets_key',
      })
      table.index(['tenant_id', 'campaign_id', 'period', 'bucket'], 'reports_buckets_campaign')
    })
  }

  async down() {
    this.schema.dropTable('reports_buckets')
    this.schema.dropTable('reports_message_marks')
  }
}

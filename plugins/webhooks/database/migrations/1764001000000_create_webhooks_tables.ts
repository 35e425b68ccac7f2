import { BaseSchema } from '#sdk'

/**
 * Endpoints, deliveries (one per event and endpoint, with the exact body
 * every attempt sends) and attempts (one row per HTTP request made).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('webhook_endpoints', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('url', 2000).notNullable()
      table.string('description', 200).nullable()
      table.text('secret').notNullable()
      table.text('events').notNullable()
      table.boolean('enabled').notNullable().defaultTo(true)
      table.integer('failed_deliveries_in_row').unsigned().notNullable().defaultTo(0)
      table.timestamp('disabled_for_failures_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['tenant_id'])
    })

    this.schema.createTable('webhook_deliveries', (table) => {
      table.string('id', 36).primary()
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table
        .integer('endpoint_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('webhook_endpoints')
        .onDelete('CASCADE')
      table.string('event', 60).notNullable()
      table.text('body', 'mediumtext').notNullable()
      table.string('status', 12).notNullable()
      table.integer('attempts').unsigned().notNullable().defaultTo(0)
      table.timestamp('created_at').notNullable()
      table.timestamp('completed_at').nullable()
      table.index(['endpoint_id', 'created_at'])
    })

    this.schema.createTable('webhook_attempts', (table) => {
      table.increments('id')
      table.integer('tenant_id').unsigned().notNullable()
      table
        .string('delivery_id', 36)
        .notNullable()
        .references('id')
        .inTable('webhook_deliveries')
        .onDelete('CASCADE')
      table.integer('attempt').unsigned().notNullable()
      table.integer('status_code').nullable()
      table.integer('duration_ms').unsigned().notNullable()
      table.text('response_snippet').nullable()
      table.string('error', 500).nullable()
      table.timestamp('created_at').notNullable()
      table.index(['delivery_id'])
    })
  }

  async down() {
    this.schema.dropTable('webhook_attempts')
    this.schema.dropTable('webhook_deliveries')
    this.schema.dropTable('webhook_endpoints')
  }
}

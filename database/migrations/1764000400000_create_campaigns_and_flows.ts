import { BaseSchema } from '@adonisjs/lucid/schema'
import type { Knex } from 'knex'

/**
 * Campaigns, the draft flow of each campaign and its published, immutable
 * flow versions. JSON values are stored as text so the same columns work on
 * MariaDB and SQLite. Graphs and plans are MEDIUMTEXT on MySQL (16 MB),
 * because a 300-node graph is larger than TEXT's 64 KB.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('campaigns', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('name', 160).notNullable()
      table.string('state', 12).notNullable().defaultTo('draft')
      table.text('list_ids').nullable()
      table.text('segment_ids').nullable()
      table.text('channel_instance_ids').nullable()
      table.text('variables').nullable()
      table.string('start_mode', 8).notNullable().defaultTo('now')
      table.timestamp('starts_at').nullable()
      table.integer('min_interval_seconds').unsigned().notNullable().defaultTo(30)
      table.integer('max_interval_seconds').unsigned().notNullable().defaultTo(90)
      table.integer('daily_cap_per_number').unsigned().nullable()
      table.integer('pause_after_sends').unsigned().nullable()
      table.integer('pause_minutes').unsigned().nullable()
      table.text('quiet_hours').nullable()
      table.integer('current_version_id').unsigned().nullable()
      table.integer('created_by').unsigned().nullable()
      table.timestamp('started_at').nullable()
      table.timestamp('paused_at').nullable()
      table.timestamp('finished_at').nullable()
      table.timestamp('cancelled_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['tenant_id', 'state'])
      table.index(['tenant_id', 'created_at'])
    })

    this.schema.createTable('flows', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      this.campaignColumn(table)
      table.text('graph', 'mediumtext').notNullable()
      table.integer('revision').unsigned().notNullable().defaultTo(0)
      table.integer('based_on_version_id').unsigned().nullable()
      table.integer('updated_by').unsigned().nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['campaign_id'])
    })

    this.schema.createTable('flow_versions', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      this.campaignColumn(table)
      table.integer('number').unsigned().notNullable()
      table.text('graph', 'mediumtext').notNullable()
      table.text('plan', 'mediumtext').notNullable()
      table.integer('published_by').unsigned().nullable()
      table.timestamp('created_at').notNullable()
      table.unique(['campaign_id', 'number'])
    })
  }

  async down() {
    this.schema.dropTable('flow_versions')
    this.schema.dropTable('flows')
    this.schema.dropTable('campaigns')
  }

  private tenantColumn(table: Knex.CreateTableBuilder) {
    table
      .integer('tenant_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('tenants')
      .onDelete('CASCADE')
  }

  private campaignColumn(table: Knex.CreateTableBuilder) {
    table
      .integer('campaign_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('campaigns')
      .onDelete('CASCADE')
  }
}

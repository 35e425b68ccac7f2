import { BaseSchema } from '@adonisjs/lucid/schema'
import type { Knex } from 'knex'

/**
 * Channel instances (one connected number or account each) and the messages
 * they carry, both directions. Campaign, journey and node ids are plain
 * columns: the engine's tables reference messages, not the other way round.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('channel_instances', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('name', 120).notNullable()
      table.string('channel', 50).notNullable()
      table.text('config').nullable()
      table.text('credentials').nullable()
      table.string('status', 20).notNullable().defaultTo('closed')
      table.timestamp('status_at').nullable()
      table.string('status_reason', 500).nullable()
      table.text('pairing').nullable()
      table.bigInteger('owner_token').unsigned().nullable()
      table.string('account_address', 64).nullable()
      table.string('account_name', 160).nullable()
      table.string('last_error', 1000).nullable()
      table.timestamp('last_error_at').nullable()
      table.boolean('paused_for_health').notNullable().defaultTo(false)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'name'])
      table.index(['channel'])
    })

    this.schema.createTable('messages', (table) => {
      table.bigIncrements('id')
      this.tenantColumn(table)
      table.string('direction', 3).notNullable()
      table
        .integer('instance_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('channel_instances')
        .onDelete('CASCADE')
      table
        .integer('contact_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('contacts')
        .onDelete('SET NULL')
      table.integer('campaign_id').unsigned().nullable()
      table.bigInteger('journey_id').unsigned().nullable()
      table.string('node_id', 64).nullable()
      table.string('provider_message_id', 128).notNullable()
      table.string('address', 64).notNullable()
      table.string('sender_name', 160).nullable()
      table.text('body').nullable()
      table.text('media').nullable()
      table.string('in_reply_to', 128).nullable()
      table.string('status', 12).notNullable()
      table.timestamp('queued_at').nullable()
      table.timestamp('sent_at').nullable()
      table.timestamp('delivered_at').nullable()
      table.timestamp('read_at').nullable()
      table.timestamp('failed_at').nullable()
      table.timestamp('received_at').nullable()
      table.string('failure_code', 60).nullable()
      table.string('failure_reason', 500).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['instance_id', 'provider_message_id'])
      table.index(['tenant_id', 'contact_id', 'id'])
      table.index(['tenant_id', 'campaign_id', 'status'])
      table.index(['journey_id'])
      table.index(['instance_id', 'direction', 'address'])
    })
  }

  async down() {
    this.schema.dropTable('messages')
    this.schema.dropTable('channel_instances')
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
}

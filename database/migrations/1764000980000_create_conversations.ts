import { BaseSchema } from '@adonisjs/lucid/schema'
import type { Knex } from 'knex'

/**
 * The inbox: one conversation per contact (or unknown sender address) and
 * channel instance, the other addresses a contact writes from, and the
 * internal notes agents leave on a conversation. Messages gain the
 * conversation they belong to and the agent who sent an inbox reply.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('conversations', (table) => {
      table.bigIncrements('id')
      this.tenantColumn(table)
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
      table.string('address', 64).notNullable()
      table.string('sender_name', 160).nullable()
      table
        .integer('assigned_user_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.integer('unread_count').unsigned().notNullable().defaultTo(0)
      table.bigInteger('last_message_id').unsigned().nullable()
      table.timestamp('last_message_at').nullable()
      table.string('last_direction', 3).nullable()
      table.string('last_preview', 200).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['instance_id', 'address'])
      table.index(['tenant_id', 'last_message_at', 'id'])
      table.index(['tenant_id', 'instance_id', 'last_message_at'])
      table.index(['tenant_id', 'assigned_user_id', 'last_message_at'])
      table.index(['tenant_id', 'unread_count'])
      table.index(['tenant_id', 'assigned_user_id', 'unread_count'])
      table.index(['contact_id'])
    })

    this.schema.createTable('contact_addresses', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table
        .integer('contact_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('contacts')
        .onDelete('CASCADE')
      table.string('address', 64).notNullable()
      table.timestamp('created_at').notNullable()
      table.unique(['tenant_id', 'address'])
      table.index(['contact_id'])
    })

    this.schema.createTable('conversation_notes', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table
        .bigInteger('conversation_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('conversations')
        .onDelete('CASCADE')
      table
        .integer('user_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.text('body').notNullable()
      table.timestamp('created_at').notNullable()
      table.index(['conversation_id', 'id'])
    })

    // Plain columns, as the engine's ids on messages are: SQLite cannot add a
    // foreign key to an existing table without rebuilding it.
    this.schema.alterTable('messages', (table) => {
      table.bigInteger('conversation_id').unsigned().nullable()
      table.integer('sent_by_user_id').unsigned().nullable()
      table.index(['conversation_id', 'id'])
    })

    // The inbox searches message text by words. SQLite has no FULLTEXT index and
    // searches with LIKE instead (see `messageTextMatch`).
    if (this.db.dialect.name === 'mysql') {
      this.schema.raw('alter table messages add fulltext index messages_body_fulltext (body)')
    }
  }

  async down() {
    if (this.db.dialect.name === 'mysql') {
      this.schema.raw('alter table messages drop index messages_body_fulltext')
    }
    this.schema.alterTable('messages', (table) => {
      table.dropIndex(['conversation_id', 'id'])
      table.dropColumn('conversation_id')
      table.dropColumn('sent_by_user_id')
    })
    this.schema.dropTable('conversation_notes')
    this.schema.dropTable('contact_addresses')
    this.schema.dropTable('conversations')
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

import { BaseSchema } from '@adonisjs/lucid/schema'
import type { Knex } from 'knex'

/**
 * Contacts, their tags and custom field values, lists, segments, opt-out
 * suppressions, CSV imports and message templates.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('contacts', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('name', 160).nullable()
      table.string('phone', 20).notNullable()
      table.text('extra_phones').nullable()
      table.string('email', 254).nullable()
      table.string('city', 120).nullable()
      table.text('notes').nullable()
      table.string('timezone', 64).notNullable()
      table.string('language', 10).nullable()
      table.string('consent', 12).notNullable().defaultTo('unknown')
      table.string('consent_source', 40).nullable()
      table.timestamp('consent_at').nullable()
      table.string('phone_warning', 40).nullable()
      table.timestamp('last_contacted_at').nullable()
      table.timestamp('last_replied_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'phone'])
      table.index(['tenant_id', 'name'])
      table.index(['tenant_id', 'created_at'])
    })

    this.schema.createTable('contact_tags', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      this.contactColumn(table)
      table.string('name', 60).notNullable()
      table.unique(['contact_id', 'name'])
      table.index(['tenant_id', 'name'])
    })

    this.schema.createTable('custom_fields', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('key', 60).notNullable()
      table.string('label', 120).notNullable()
      table.string('type', 10).notNullable()
      table.text('options').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'key'])
    })

    this.schema.createTable('contact_field_values', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      this.contactColumn(table)
      table
        .integer('custom_field_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('custom_fields')
        .onDelete('CASCADE')
      table.string('text_value', 1000).nullable()
      table.double('number_value').nullable()
      table.string('date_value', 10).nullable()
      table.unique(['contact_id', 'custom_field_id'])
      table.index(['custom_field_id', 'number_value'])
      table.index(['custom_field_id', 'date_value'])
    })

    this.schema.createTable('contact_lists', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('name', 120).notNullable()
      table.string('description', 500).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'name'])
    })

    this.schema.createTable('contact_list_members', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table
        .integer('contact_list_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('contact_lists')
        .onDelete('CASCADE')
      this.contactColumn(table)
      table.timestamp('created_at').notNullable()
      table.unique(['contact_list_id', 'contact_id'])
    })

    this.schema.createTable('segments', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('name', 120).notNullable()
      table.text('rules').notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'name'])
    })

    this.schema.createTable('suppressions', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('phone_hash', 64).notNullable()
      table.string('source', 40).notNullable()
      table.timestamp('created_at').notNullable()
      table.unique(['tenant_id', 'phone_hash'])
    })

    this.schema.createTable('audience_settings', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.text('opt_out_keywords').notNullable()
      table.text('opt_out_reply').nullable()
      table.string('hash_salt', 64).notNullable()
      table.text('import_mapping').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id'])
    })

    this.schema.createTable('contact_imports', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table
        .integer('user_id')
        .unsigned()
        .nullable()
        .references('id')
        .inTable('users')
        .onDelete('SET NULL')
      table.string('file_name', 255).notNullable()
      table.string('file_key', 255).notNullable()
      table.bigint('file_size').notNullable()
      table.string('encoding', 20).notNullable()
      table.string('delimiter', 2).notNullable()
      table.text('mapping').nullable()
      table.text('options').nullable()
      table.string('status', 12).notNullable()
      table.integer('processed_rows').notNullable().defaultTo(0)
      table.integer('created_count').notNullable().defaultTo(0)
      table.integer('updated_count').notNullable().defaultTo(0)
      table.integer('duplicate_count').notNullable().defaultTo(0)
      table.integer('rejected_count').notNullable().defaultTo(0)
      table.integer('warned_count').notNullable().defaultTo(0)
      table.string('report_key', 255).nullable()
      table.text('error').nullable()
      table.timestamp('started_at').nullable()
      table.timestamp('finished_at').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.index(['tenant_id', 'created_at'])
    })

    this.schema.createTable('templates', (table) => {
      table.increments('id')
      this.tenantColumn(table)
      table.string('name', 120).notNullable()
      table.text('body').notNullable()
      table.string('media_key', 255).nullable()
      table.string('media_type', 10).nullable()
      table.string('media_mime', 100).nullable()
      table.string('media_name', 255).nullable()
      table.integer('media_size').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'name'])
    })
  }

  async down() {
    for (const name of [
      'templates',
      'contact_imports',
      'audience_settings',
      'suppressions',
      'segments',
      'contact_list_members',
      'contact_lists',
      'contact_field_values',
      'custom_fields',
      'contact_tags',
      'contacts',
    ]) {
      this.schema.dropTable(name)
    }
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

  private contactColumn(table: Knex.CreateTableBuilder) {
    table
      .integer('contact_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('contacts')
      .onDelete('CASCADE')
  }
}

import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Each tenant's switch and settings for a plugin. A missing row means the
 * plugin's `enabledByDefault` and its default settings.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('tenant_plugins', (table) => {
      table.increments('id')
      table
        .integer('tenant_id')
        .unsigned()
        .notNullable()
        .references('id')
        .inTable('tenants')
        .onDelete('CASCADE')
      table.string('plugin_name', 50).notNullable()
      table.boolean('enabled').nullable()
      table.text('settings').nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').nullable()
      table.unique(['tenant_id', 'plugin_name'])
    })
  }

  async down() {
    this.schema.dropTable('tenant_plugins')
  }
}

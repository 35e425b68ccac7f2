import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Lets the dashboard count a tenant's messages of the last days by reading
 * only those rows.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('messages', (table) => {
      table.index(['tenant_id', 'created_at'], 'messages_tenant_created_index')
    })
  }

  async down() {
    this.schema.alterTable('messages', (table) => {
      table.dropIndex(['tenant_id', 'created_at'], 'messages_tenant_created_index')
    })
  }
}

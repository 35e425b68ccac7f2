import { BaseSchema } from '#sdk'

/**
 * The audit log. No foreign key to `tenants` on purpose: a cascade would
 * be a delete path, and the log must outlive what it describes.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('audit_entries', (table) => {
      table.bigIncrements('id')
      table.integer('tenant_id').unsigned().notNullable()
      table.string('action', 60).notNullable()
      table.integer('actor_id').unsigned().nullable()
      table.string('actor_label', 255).nullable()
      table.string('target_type', 40).nullable()
      table.string('target_id', 64).nullable()
      table.string('ip_address', 45).nullable()
      table.text('before').nullable()
      table.text('after').nullable()
      table.timestamp('created_at').notNullable()
      table.index(['tenant_id', 'created_at'])
      table.index(['tenant_id', 'action'])
    })
  }

  async down() {
    this.schema.dropTable('audit_entries')
  }
}

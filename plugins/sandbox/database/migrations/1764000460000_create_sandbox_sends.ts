import { BaseSchema } from '#sdk'

/**
 * Every message a sandbox instance accepted, once per provider message id,
 * with the receipts planned for it and the ones already reported. A
 * restart of the channels process resumes the receipts still due.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('sandbox_sends', (table) => {
      table.increments('id')
      table.integer('tenant_id').unsigned().notNullable()
      table.integer('instance_id').unsigned().notNullable()
      table.string('provider_message_id', 128).notNullable()
      table.string('send_attempt', 36).notNullable()
      table.string('to_address', 64).notNullable()
      table.text('body').nullable()
      table.string('media_type', 100).nullable()
      table.string('outcome', 10).notNullable()
      table.timestamp('accepted_at').notNullable()
      table.timestamp('deliver_due_at').notNullable()
      table.timestamp('read_due_at').nullable()
      table.timestamp('delivered_at').nullable()
      table.timestamp('read_at').nullable()
      table.timestamp('failed_at').nullable()
      table.unique(['instance_id', 'provider_message_id'])
      table.index(['tenant_id', 'instance_id'])
    })
  }

  async down() {
    this.schema.dropTable('sandbox_sends')
  }
}

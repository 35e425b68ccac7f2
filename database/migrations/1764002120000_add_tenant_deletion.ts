import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * When an owner asked to delete the tenant. A tenant with a value here has
 * lost its members already, and the workspace deletion job removes its
 * campaigns, numbers and rows, then the tenant itself. Every worker start
 * and a periodic sweep resume deletions that a crash interrupted.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('tenants', (table) => {
      table.timestamp('deletion_requested_at').nullable()
    })
  }

  async down() {
    this.schema.alterTable('tenants', (table) => {
      table.dropColumn('deletion_requested_at')
    })
  }
}

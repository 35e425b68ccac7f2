import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The tenant's quiet-hours policy as JSON text: days, start, end and
 * whose time zone they are read in. NULL means the tenant has none.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('tenants', (table) => {
      table.text('quiet_hours').nullable()
    })
  }

  async down() {
    this.schema.alterTable('tenants', (table) => {
      table.dropColumn('quiet_hours')
    })
  }
}

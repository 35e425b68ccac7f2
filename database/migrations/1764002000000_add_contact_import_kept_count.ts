import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Counts apart the rows of an import whose contact already existed and was
 * kept as it was, which earlier imports counted as duplicates.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('contact_imports', (table) => {
      table.integer('kept_count').notNullable().defaultTo(0)
    })
  }

  async down() {
    this.schema.alterTable('contact_imports', (table) => {
      table.dropColumn('kept_count')
    })
  }
}

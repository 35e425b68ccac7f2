import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Drops two contact columns that nothing wrote: segments read when a
 * contact was last contacted and whether they replied from the messages.
 * Plain `DROP COLUMN` statements, because knex drops a SQLite column by
 * copying the table and dropping the original, and with foreign keys on,
 * dropping `contacts` deletes the rows of other tables that cascade from it.
 */
export default class extends BaseSchema {
  async up() {
    this.defer(async (db) => {
      await db.rawQuery('ALTER TABLE contacts DROP COLUMN last_contacted_at')
      await db.rawQuery('ALTER TABLE contacts DROP COLUMN last_replied_at')
    })
  }

  async down() {
    this.schema.alterTable('contacts', (table) => {
      table.timestamp('last_contacted_at').nullable()
      table.timestamp('last_replied_at').nullable()
    })
  }
}

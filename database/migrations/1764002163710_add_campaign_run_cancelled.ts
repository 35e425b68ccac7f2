import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Campaign messages that a cancel stopped before their send, counted apart
 * from `failed`. Progress stored before this counted them in `failed`, so
 * they move from there to the new column.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('campaign_runs', (table) => {
      table.integer('cancelled').notNullable().defaultTo(0)
    })

    this.defer(async (db) => {
      await db.rawQuery(
        `update campaign_runs set cancelled = (
          select count(*) from messages
          where messages.campaign_id = campaign_runs.campaign_id
            and messages.direction = 'out'
            and messages.status = 'failed'
            and messages.failure_code = 'E_CAMPAIGN_CANCELLED'
        )`
      )
      await db.rawQuery(
        'update campaign_runs set failed = failed - cancelled where cancelled > 0 and failed >= cancelled'
      )
    })
  }

  /** A plain `DROP COLUMN`, because knex drops a SQLite column by copying the whole table. */
  async down() {
    this.defer(async (db) => {
      await db.rawQuery('update campaign_runs set failed = failed + cancelled')
      await db.rawQuery('ALTER TABLE campaign_runs DROP COLUMN cancelled')
    })
  }
}

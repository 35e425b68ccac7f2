import { BaseSchema } from '#sdk'
import { rebuildFailureDays } from '../../services/failure_days.js'

/**
 * Keys `reports_failures` by day as well, so failures by reason follow a
 * report's range of days. `day` is the day bucket (`yyyy-MM-dd` in the
 * tenant's time zone) of the failure, as in `reports_buckets`, and `''`
 * for a count whose day is unknown. The counts that existed are rebuilt
 * by day from the core's rows of the failures (see `rebuildFailureDays`).
 * The new unique key is added before the old one is dropped, because
 * MariaDB keeps an index on `tenant_id` for its foreign key.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('reports_failures', (table) => {
      table.string('day', 10).notNullable().defaultTo('')
      table.unique(['tenant_id', 'campaign_id', 'day', 'code'], {
        indexName: 'reports_failures_day_key',
      })
    })
    this.schema.alterTable('reports_failures', (table) => {
      table.dropUnique(['tenant_id', 'campaign_id', 'code'], 'reports_failures_key')
    })
    this.defer((db) => rebuildFailureDays(db))
  }

  /**
   * Adds each campaign and code's days into one row, then restores the
   * key without days. A plain `DROP COLUMN`, because knex drops a SQLite
   * column by copying the whole table.
   */
  async down() {
    this.defer(async (db) => {
      const totals = await db
        .from('reports_failures')
        .groupBy('tenant_id', 'campaign_id', 'code')
        .select('tenant_id', 'campaign_id', 'code')
        .sum('failed as failed')
      await db.from('reports_failures').delete()
      for (let start = 0; start < totals.length; start += 1000) {
        const rows = totals.slice(start, start + 1000).map((row) => ({
          tenant_id: row.tenant_id,
          campaign_id: row.campaign_id,
          code: row.code,
          failed: Number(row.failed),
        }))
        await db.table('reports_failures').multiInsert(rows)
      }
    })
    this.schema.alterTable('reports_failures', (table) => {
      table.unique(['tenant_id', 'campaign_id', 'code'], { indexName: 'reports_failures_key' })
    })
    this.schema.alterTable('reports_failures', (table) => {
      table.dropUnique(['tenant_id', 'campaign_id', 'day', 'code'], 'reports_failures_day_key')
    })
    this.defer((db) => db.rawQuery('ALTER TABLE reports_failures DROP COLUMN day'))
  }
}

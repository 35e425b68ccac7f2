import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import Tenant from '#models/tenant'
import { refreshSqliteStatistics } from '#services/database/sqlite_statistics'
import { useSqliteFile } from '#tests/helpers/sqlite_server'

const CONNECTION = 'sqlite_statistics'
const CONTACTS = 3000

/** Returns the steps of SQLite's plan for `sql`, from `EXPLAIN QUERY PLAN`. */
async function planOf(sql: string, bindings: (string | number)[]) {
  const rows = await db.connection(CONNECTION).rawQuery(`EXPLAIN QUERY PLAN ${sql}`, bindings)
  return (rows as { detail: string }[]).map((row) => row.detail).join(' | ')
}

/**
 * On the embedded default, rows read by key must be taken by key whatever
 * the workspace's size. Without statistics, SQLite's planner reads them
 * through the tenant index and walks every row of the workspace. The
 * statistics check that the processes run fixes the plan.
 */
test.group('SQLite statistics', (group) => {
  useSqliteFile(group, CONNECTION)

  group.setup(async () => {
    const up = new MigrationRunner(db, app, { direction: 'up', connectionName: CONNECTION })
    await up.run()
    if (up.error) throw up.error
  })

  test('reads by id use the primary key', async ({ assert }) => {
    const sqlite = db.connection(CONNECTION)
    const tenant = await Tenant.create(
      { name: 'Statistics', slug: `statistics-${Date.now()}` },
      { connection: CONNECTION }
    )
    const now = new Date().toISOString().replace('T', ' ').slice(0, 19)
    const rows = Array.from({ length: CONTACTS }, (_, index) => ({
      tenant_id: tenant.id,
      phone: `+55119${String(index).padStart(8, '0')}`,
      timezone: 'America/Sao_Paulo',
      created_at: now,
    }))
    for (let start = 0; start < rows.length; start += 500) {
      await sqlite.table('contacts').multiInsert(rows.slice(start, start + 500))
    }
    const first = await sqlite.from('contacts').select('id').limit(20)
    const ids = first.map((row) => row.id)
    const read = `SELECT * FROM contacts WHERE id IN (${ids.map(() => '?').join(', ')}) AND tenant_id = ?`

    // The read runs first, as the engine's reads do, so the check counts the table as used.
    assert.lengthOf(await sqlite.rawQuery(read, [...ids, tenant.id]), ids.length)
    const before = await planOf(read, [...ids, tenant.id])
    assert.include(before, 'tenant_id', `without statistics: ${before}`)

    await refreshSqliteStatistics(sqlite)

    const after = await planOf(read, [...ids, tenant.id])
    assert.include(after, 'PRIMARY KEY', `with statistics: ${after}`)
    const stats = await sqlite.from('sqlite_stat1').where('tbl', 'contacts')
    assert.isAbove(stats.length, 0)
  })
})

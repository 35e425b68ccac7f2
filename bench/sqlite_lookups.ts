/**
 * Times the engine's batched reads by key on the embedded default's SQLite,
 * in a workspace that already has ROWS messages (default 200,000), with
 * no statistics and then after the statistics check that the product's
 * processes run (`refreshSqliteStatistics`). For each it prints the
 * planner's plan and the mean time of a read of BATCH messages by id
 * (default 100) with the tenant condition, as `findMessage` sends it.
 *
 * It migrates a scratch SQLite file of its own and deletes it at the end:
 *
 *   node --import @poppinss/ts-exec bench/sqlite_lookups.ts
 */
import { rm } from 'node:fs/promises'
import { bootApp, shutdown } from './engine_support.js'

const ROWS = Number(process.env.ROWS ?? 200_000)
const BATCH = Number(process.env.BATCH ?? 100)
const READS = 50
const CONNECTION = 'bench_sqlite_lookups'

const app = await bootApp()
const { default: db } = await import('@adonisjs/lucid/services/db')
const { MigrationRunner } = await import('@adonisjs/lucid/migration')
const { refreshSqliteStatistics } = await import('#services/database/sqlite_statistics')

const file = app.tmpPath(`bench-sqlite-lookups-${process.pid}.sqlite3`)
db.manager.add(CONNECTION, {
  client: 'better-sqlite3',
  connection: { filename: file },
  useNullAsDefault: true,
  migrations: { naturalSort: true, paths: ['database/migrations'] },
})
const migrations = new MigrationRunner(db, app, { direction: 'up', connectionName: CONNECTION })
await migrations.run()
if (migrations.error) throw migrations.error
const sqlite = db.connection(CONNECTION)

/** Seeds a tenant, one instance and ROWS inbound messages, 500 a statement. */
async function seed() {
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19)
  const [tenantId] = await sqlite
    .table('tenants')
    .insert({ name: 'Lookups', slug: `lookups-${Date.now()}`, created_at: now, updated_at: now })
  const [instanceId] = await sqlite.table('channel_instances').insert({
    tenant_id: tenantId,
    name: 'Bench',
    channel: 'sandbox',
    status: 'connected',
    created_at: now,
    updated_at: now,
  })
  for (let start = 0; start < ROWS; start += 500) {
    const rows = []
    for (let index = start; index < Math.min(start + 500, ROWS); index++) {
      rows.push({
        tenant_id: tenantId,
        instance_id: instanceId,
        direction: 'in',
        address: `+5511${String(index).padStart(9, '0')}`,
        body: 'Oi',
        status: 'received',
        provider_message_id: `bench-${index}`,
        created_at: now,
        updated_at: now,
      })
    }
    await sqlite.table('messages').multiInsert(rows)
  }
  return tenantId as number
}

/** Prints the plan and the mean time of READS reads of BATCH messages by id. */
async function measure(label: string, tenantId: number) {
  const ids = Array.from({ length: BATCH }, (_, index) => 1 + Math.floor((index * ROWS) / BATCH))
  const query = () => sqlite.from('messages').whereIn('id', ids).where('tenant_id', tenantId)
  const { sql, bindings } = query().toSQL()
  const plan = await sqlite.rawQuery(`EXPLAIN QUERY PLAN ${sql}`, bindings as (string | number)[])
  const started = performance.now()
  for (let read = 0; read < READS; read++) {
    await query()
  }
  const ms = (performance.now() - started) / READS
  const steps = (plan as { detail: string }[]).map((step) => step.detail).join(' | ')
  console.log(`${label}: ${ms.toFixed(2)} ms a read of ${BATCH} messages (${steps})`)
}

const seeding = performance.now()
const tenantId = await seed()
console.log(`seeded ${ROWS} messages in ${((performance.now() - seeding) / 1000).toFixed(1)} s`)
await measure('without statistics', tenantId)
const analysing = performance.now()
await refreshSqliteStatistics(sqlite)
console.log(`statistics check: ${(performance.now() - analysing).toFixed(0)} ms`)
await measure('with statistics', tenantId)

await db.manager.close(CONNECTION)
for (const suffix of ['', '-wal', '-shm']) {
  await rm(`${file}${suffix}`, { force: true })
}
await shutdown(app)

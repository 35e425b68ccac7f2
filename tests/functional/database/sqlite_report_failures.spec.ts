import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import { sqlTime } from '#services/channels/sql_time'
import { useSqliteFile } from '#tests/helpers/sqlite_server'
import { addFailureReasons } from '../../../plugins/reports/services/failure_counting.js'

const CONNECTION = 'sqlite_report_failures'

/** Runs the configured migrations up, or rolls back the last one. */
async function migrate(direction: 'up' | 'down') {
  const runner =
    direction === 'up'
      ? new MigrationRunner(db, app, { direction, connectionName: CONNECTION })
      : new MigrationRunner(db, app, { direction, connectionName: CONNECTION, step: 1 })
  await runner.run()
  if (runner.error) throw runner.error
  return Object.keys(runner.migratedFiles)
}

/**
 * Reads every `reports_failures` row as a `code day failed` line, sorted.
 * The day is `-` for a row without one, and `none` when the table has no `day` column.
 */
async function storedRows() {
  const rows = await db.connection(CONNECTION).from('reports_failures').select('*')
  return rows
    .map((row) => `${row.code} ${row.day === undefined ? 'none' : row.day || '-'} ${row.failed}`)
    .sort()
}

/**
 * Seeds an install from before failures by reason were kept by day. A
 * tenant in São Paulo's time zone has two failed campaign messages and a
 * failed send step that the reports counted. The counts by code, without
 * days, include a third message deleted since.
 */
async function seedUndatedInstall() {
  const sqlite = db.connection(CONNECTION)
  const created = sqlTime(new Date('2025-03-01T00:00:00Z'))
  const [tenantId] = await sqlite.table('tenants').insert({
    name: 'Upgrade',
    slug: `upgrade-${Date.now()}`,
    timezone: 'America/Sao_Paulo',
    created_at: created,
  })
  const [campaignId] = await sqlite
    .table('campaigns')
    .insert({ tenant_id: tenantId, name: 'Launch', created_at: created })
  const [instanceId] = await sqlite.table('channel_instances').insert({
    tenant_id: tenantId,
    name: 'Sandbox',
    channel: 'sandbox',
    created_at: created,
  })

  // 02:30 UTC on the 10th is 23:30 on the 9th in São Paulo.
  for (const [index, failedAt] of ['2025-03-10T02:30:00Z', '2025-03-10T15:00:00Z'].entries()) {
    const [messageId] = await sqlite.table('messages').insert({
      tenant_id: tenantId,
      instance_id: instanceId,
      campaign_id: campaignId,
      node_id: 'ask',
      direction: 'out',
      provider_message_id: `upgrade-${index}`,
      address: `+551190000000${index}`,
      status: 'failed',
      failed_at: sqlTime(new Date(failedAt)),
      failure_code: 'E_NOT_ON_WHATSAPP',
      created_at: created,
    })
    await sqlite.table('reports_message_marks').insert({
      message_id: messageId,
      tenant_id: tenantId,
      campaign_id: campaignId,
      instance_id: instanceId,
      node_id: 'ask',
      failed: 1,
    })
  }
  await sqlite.table('step_failures').insert({
    tenant_id: tenantId,
    campaign_id: campaignId,
    journey_id: 41,
    step: 2,
    node_id: 'remind',
    code: 'E_TEMPLATE_RENDER',
    reason: 'no value for name',
    created_at: sqlTime(new Date('2025-03-11T14:00:00Z')),
  })
  await sqlite.table('reports_step_marks').insert({ journey_id: 41, step: 2, tenant_id: tenantId })

  await sqlite.table('reports_failures').multiInsert([
    { tenant_id: tenantId, campaign_id: campaignId, code: 'E_NOT_ON_WHATSAPP', failed: 3 },
    { tenant_id: tenantId, campaign_id: campaignId, code: 'E_TEMPLATE_RENDER', failed: 1 },
  ])
  return { tenantId: Number(tenantId), campaignId: Number(campaignId) }
}

test.group('SQLite report failures', (group) => {
  useSqliteFile(group, CONNECTION, ['database/migrations', 'plugins/reports/database/migrations'])

  test('upgrade keeps failures by day', async ({ assert }) => {
    await migrate('up')
    const rolledBack = await migrate('down')
    assert.lengthOf(rolledBack, 1)
    assert.match(rolledBack[0], /add_report_failure_days/)
    const { tenantId, campaignId } = await seedUndatedInstall()
    assert.deepEqual(await storedRows(), ['E_NOT_ON_WHATSAPP none 3', 'E_TEMPLATE_RENDER none 1'])

    await migrate('up')
    assert.deepEqual(await storedRows(), [
      'E_NOT_ON_WHATSAPP - 1',
      'E_NOT_ON_WHATSAPP 2025-03-09 1',
      'E_NOT_ON_WHATSAPP 2025-03-10 1',
      'E_TEMPLATE_RENDER 2025-03-11 1',
    ])

    // Counting adds to the row of its day through the new key.
    await db
      .connection(CONNECTION)
      .transaction((trx) =>
        addFailureReasons(
          trx,
          tenantId,
          [{ campaignId, code: 'E_NOT_ON_WHATSAPP', at: new Date('2025-03-10T02:45:00Z') }],
          'America/Sao_Paulo'
        )
      )
    assert.include(await storedRows(), 'E_NOT_ON_WHATSAPP 2025-03-09 2')

    await migrate('down')
    assert.deepEqual(await storedRows(), ['E_NOT_ON_WHATSAPP none 4', 'E_TEMPLATE_RENDER none 1'])
  }).timeout(60_000)
})

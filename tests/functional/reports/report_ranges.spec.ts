import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import {
  columnTotal,
  csvRecords,
  sandboxInstance,
  seedCampaignTraffic,
} from '#tests/helpers/reports'
import { countStages } from '../../../plugins/reports/services/counter_store.js'
import {
  summedDays,
  volumeQuery,
  type ReportScope,
} from '../../../plugins/reports/services/report_queries.js'
import { parseRange, rangeOf } from '../../../plugins/reports/services/report_range.js'
import type { CountedStage } from '../../../plugins/reports/services/stages.js'

let nextMessageId = 2_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100

/** Reads the props of an Inertia page as `user` opens it. */
async function pageProps(client: ApiClient, url: string, user: User) {
  const response = await client.get(url).loginAs(user).headers(INERTIA_HEADERS)
  response.assertStatus(200)
  return response.body().props
}

/** Creates a tenant in `timeZone` with a campaign and an instance, and a way to count stages at given instants. */
async function zonedCampaign(timeZone: string) {
  const { tenant, owner } = await createTenantWithOwner(`Ranges ${timeZone}`)
  tenant.timezone = timeZone
  await tenant.save()
  const campaign = await createPublishedCampaign(tenant.id)
  const instance = await sandboxInstance(tenant.id)

  /** Counts one message that reached `stages` at `at`, sent by `nodeId`, through the real counting path. */
  const count = (at: string, stages: CountedStage[], nodeId = 'ask') => {
    nextMessageId += 1
    return countStages(
      {
        messageId: nextMessageId,
        tenantId: tenant.id,
        campaignId: campaign.id,
        instanceId: instance.id,
        nodeId,
      },
      stages.map((stage) => ({ stage, at: new Date(at) }))
    )
  }
  return { tenant, owner, campaign, instance, count }
}

/** Returns the ids of the steps a report page lists. */
function stepIds(report: { steps: { id: string }[] }) {
  return report.steps.map((step) => step.id)
}

test.group('Report ranges', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('days follow the tenant zone', async ({ client, assert }) => {
    const { owner, campaign, count } = await zonedCampaign('America/Sao_Paulo')
    // 02:30 UTC on the 10th is 23:30 on the 9th in São Paulo (UTC-3).
    await count('2025-03-10T02:30:00Z', ['sent', 'delivered'])
    await count('2025-03-10T15:00:00Z', ['sent'], 'remind')
    const url = (from: string, to: string) =>
      `/plugins/reports/campaigns/${campaign.id}?from=${from}&to=${to}`

    const ninth = await pageProps(client, url('2025-03-09', '2025-03-09'), owner)
    assert.deepEqual(ninth.range, { from: '2025-03-09', to: '2025-03-09' })
    assert.equal(ninth.funnel.sent, 1)
    assert.equal(ninth.funnel.delivered, 1)
    assert.deepEqual(stepIds(ninth), ['ask'])
    assert.deepEqual(
      ninth.daily.map((row: { bucket: string }) => row.bucket),
      ['2025-03-09']
    )
    assert.lengthOf(ninth.hourly, 24)
    assert.equal(ninth.hourly[0].bucket, '2025-03-09T03')
    assert.equal(ninth.hourly[23].bucket, '2025-03-10T02')
    assert.equal(columnTotal(ninth.hourly, 'sent'), 1)

    const tenth = await pageProps(client, url('2025-03-10', '2025-03-10'), owner)
    assert.equal(tenth.funnel.sent, 1)
    assert.equal(tenth.funnel.delivered, 0)
    assert.deepEqual(stepIds(tenth), ['remind'])
    assert.equal(tenth.instances[0].sent, 1)

    const whole = await pageProps(client, `/plugins/reports/campaigns/${campaign.id}`, owner)
    assert.isNull(whole.range)
    assert.equal(whole.funnel.sent, 2)
  })

  test('spring forward day has 23 hours', async ({ client, assert }) => {
    const { owner, campaign, count } = await zonedCampaign('America/New_York')
    // New York moves from UTC-5 to UTC-4 at 07:00 UTC on 2025-03-09.
    await count('2025-03-10T03:30:00Z', ['sent'])
    await count('2025-03-10T04:30:00Z', ['sent'])

    const props = await pageProps(
      client,
      `/plugins/reports/campaigns/${campaign.id}?from=2025-03-09&to=2025-03-09`,
      owner
    )
    assert.equal(props.funnel.sent, 1)
    assert.lengthOf(props.hourly, 23)
    assert.equal(props.hourly[0].bucket, '2025-03-09T05')
    assert.equal(props.hourly[22].bucket, '2025-03-10T03')
    assert.equal(columnTotal(props.hourly, 'sent'), 1)
  })

  test('fall back day has 25 hours', async ({ assert }) => {
    const range = rangeOf('2025-11-02', '2025-11-02', 'America/New_York')
    assert.equal(range.firstHour, '2025-11-02T04')
    assert.equal(range.lastHour, '2025-11-03T04')
    assert.equal(range.end.getTime() - range.start.getTime(), 25 * 3_600_000)
  })

  test('range errors beside the fields', async ({ client, assert }) => {
    const { owner, campaign, count } = await zonedCampaign('UTC')
    await count('2025-03-10T12:00:00Z', ['sent'])
    const errorsOf = async (query: string) => {
      const props = await pageProps(
        client,
        `/plugins/reports/campaigns/${campaign.id}?${query}`,
        owner
      )
      assert.isNull(props.range)
      assert.equal(props.funnel.sent, 1)
      return props.rangeForm.errors
    }

    const reversed = await errorsOf('from=2025-03-10&to=2025-03-01')
    assert.deepEqual(reversed, { to: 'The last day must be on or after the first day.' })
    const missing = await errorsOf('from=2025-03-10')
    assert.deepEqual(missing, { to: 'Enter a day, or choose a quick range.' })
    const impossible = await errorsOf('from=2025-02-30&to=2025-13-01')
    assert.equal(impossible.from, 'This day does not exist. Enter a date such as 2025-03-31.')
    assert.equal(impossible.to, 'This day does not exist. Enter a date such as 2025-03-31.')
    const garbage = await errorsOf('from=yesterday&to=2025-03-01')
    assert.property(garbage, 'from')
    const long = await errorsOf('from=2024-01-01&to=2025-01-01')
    assert.deepEqual(long, { to: 'Choose at most 366 days.' })
    const year = await pageProps(
      client,
      `/plugins/reports/campaigns/${campaign.id}?from=2024-01-01&to=2024-12-31`,
      owner
    )
    assert.deepEqual(year.rangeForm.errors, {})

    owner.locale = 'pt-BR'
    await owner.save()
    const portuguese = await errorsOf('from=2025-03-10&to=2025-03-01')
    assert.deepEqual(portuguese, { to: 'O último dia precisa ser igual ou posterior ao primeiro.' })
  })

  test('presets end today in the tenant zone', async ({ client, assert }) => {
    const { owner } = await zonedCampaign('Pacific/Kiritimati')
    const props = await pageProps(client, '/plugins/reports/campaigns', owner)
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(
      new Date()
    )
    const presets = Object.fromEntries(
      props.rangeForm.presets.map((preset: { key: string; from: string; to: string }) => [
        preset.key,
        preset,
      ])
    )
    assert.equal(presets.last_7_days.to, today)
    assert.equal(presets.this_month.from, `${today.slice(0, 8)}01`)
    const parsed = parseRange(presets.last_30_days, 'Pacific/Kiritimati')
    assert.isNull(parsed.errors)
  })

  test('contacts count messages sent in range', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Range contacts')
    const { campaign } = await seedCampaignTraffic(tenant.id, ['read', 'replied', 'delivered'])
    const today = new Date().toISOString().slice(0, 10)
    const url = `/plugins/reports/campaigns/${campaign.id}`

    const now = await pageProps(client, `${url}?from=${today}&to=${today}`, owner)
    assert.deepEqual(now.contacts, { reached: 3, replied: 1, optedOut: 0 })
    const past = await pageProps(client, `${url}?from=2020-01-01&to=2020-01-31`, owner)
    assert.deepEqual(past.contacts, { reached: 0, replied: 0, optedOut: 0 })
    assert.equal(past.funnel.sent, 0)
    assert.equal(past.funnel.enrolled, now.funnel.enrolled)
  })

  test('campaign exports follow the range', async ({ client, assert }) => {
    const { owner, campaign, count } = await zonedCampaign('America/Sao_Paulo')
    await count('2025-03-10T02:30:00Z', ['sent'])
    await count('2025-03-12T12:00:00Z', ['sent', 'read'])
    const url = (report: string, query = '&from=2025-03-10&to=2025-03-12') =>
      `/plugins/reports/campaigns/${campaign.id}/export?report=${report}${query}`

    const daily = await csvRecords(client, url('daily'), owner)
    assert.deepEqual(
      daily.map((row) => row.Day),
      ['2025-03-10', '2025-03-11', '2025-03-12']
    )
    assert.equal(columnTotal(daily, 'Sent'), 1)
    const hourly = await csvRecords(client, url('hourly'), owner)
    assert.lengthOf(hourly, 72)
    assert.equal(hourly[0]['Hour (UTC)'], '2025-03-10T03:00:00.000Z')
    const funnel = await csvRecords(client, url('funnel'), owner)
    assert.deepInclude(funnel, { Stage: 'Sent', Count: '1' })
    assert.deepInclude(funnel, { Stage: 'Enrolled (not filtered by date)', Count: '0' })
    const failures = await client.get(url('failures')).loginAs(owner)
    assert.equal(failures.text(), '\uFEFFFailure code,Reason,Failed\r\n')
    const nodes = await csvRecords(client, url('nodes'), owner)
    assert.property(nodes[0], 'Waiting now (not filtered by date)')

    const file = await client.get(url('daily')).loginAs(owner)
    assert.include(
      file.header('content-disposition'),
      `campaign-${campaign.id}-daily-2025-03-10-to-2025-03-12-`
    )
    const whole = await csvRecords(client, url('daily', ''), owner)
    assert.equal(columnTotal(whole, 'Sent'), 2)

    const invalid = await client
      .get(url('daily', '&from=2025-03-12&to=2025-03-10'))
      .loginAs(owner)
      .header('accept', 'application/json')
    invalid.assertStatus(422)
    assert.include(invalid.text(), 'E_INVALID_REPORT_RANGE')
  })

  test('overview exports follow the range', async ({ client, assert }) => {
    const { owner, campaign, count } = await zonedCampaign('UTC')
    await count('2025-03-01T12:00:00Z', ['sent'])
    await count('2025-04-01T12:00:00Z', ['sent'])
    const march = '&from=2025-03-01&to=2025-03-31'

    const campaigns = await csvRecords(
      client,
      `/plugins/reports/campaigns/export?report=campaigns${march}`,
      owner
    )
    const row = campaigns.find((record) => Number(record['Campaign id']) === campaign.id)!
    assert.equal(row.Sent, '1')
    assert.property(row, 'Enrolled (not filtered by date)')
    const instances = await csvRecords(
      client,
      `/plugins/reports/campaigns/export?report=instances${march}`,
      owner
    )
    assert.equal(columnTotal(instances, 'Sent'), 1)
    const props = await pageProps(client, `/plugins/reports/campaigns?${march.slice(1)}`, owner)
    assert.lengthOf(props.daily, 31)
    assert.equal(props.total.sent, 1)
  })

  test('range queries use an index on MariaDB', async ({ assert }) => {
    if (db.connection().dialect.name !== 'mysql') {
      return
    }
    const { tenant, campaign, instance } = await zonedCampaign('UTC')
    const rows = []
    for (let day = 0; day < 400; day++) {
      const bucket = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10)
      for (const node of ['a', 'b', 'c', 'd', 'e']) {
        rows.push({
          tenant_id: tenant.id,
          period: 'day',
          bucket,
          campaign_id: campaign.id,
          instance_id: instance.id,
          node_id: node,
          sent: 1,
        })
      }
    }
    await db.table('reports_buckets').multiInsert(rows)

    const range = rangeOf('2024-03-01', '2024-03-07', 'UTC')
    const scopes: ReportScope[] = [
      { tenantId: tenant.id, range },
      { tenantId: tenant.id, campaignId: campaign.id, range },
    ]
    for (const scope of scopes) {
      for (const query of [summedDays(scope), volumeQuery(scope, 'day', 90)]) {
        const { sql, bindings } = query.toSQL().toNative()
        const [plan] = await db.rawQuery(`EXPLAIN ${sql}`, bindings as unknown[])
        const step = plan[0]
        assert.oneOf(step.key, ['reports_buckets_key', 'reports_buckets_campaign'], sql)
        assert.equal(step.type, 'range', sql)
        assert.isBelow(Number(step.rows), 200, sql)
      }
    }
  })
})

/**
 * Seeds the reports plugin's counters of a 100,000-recipient campaign
 * (RECIPIENTS to change it) and prints the latency of each report query the
 * campaign page runs, and of the whole page's queries together.
 *
 *   DB_CONNECTION=mysql DB_DATABASE=disparador_bench node --import @poppinss/ts-exec bench/reports.ts
 *
 * Run `node ace migration:run` on that database first. The first COUNTED
 * recipients go through the plugin's real counting path (`countStages`),
 * which also prints its rate; the rest are written as the same mark and
 * bucket rows in bulk, because counting 100,000 messages one by one takes
 * minutes. Twenty other campaigns of the tenant add rows the queries must
 * skip. The benchmark leaves its tenant behind for inspection.
 */
import { bootApp, quantile } from './engine_support.js'

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 100_000)
const COUNTED = Number(process.env.COUNTED ?? 2_000)
const RUNS = Number(process.env.RUNS ?? 50)
const NODES = ['ask', 'remind', 'thanks']
const DAYS = 5

type Stage = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'replied' | 'opted_out'

/** The stages recipient `index` reaches: a fixed mix of about 92% delivered, 60% read, 8% failed. */
function fateOf(index: number): Stage[] {
  const roll = (index * 7919) % 100
  if (roll < 8) return ['queued', 'failed']
  if (roll < 40) return ['queued', 'sent', 'delivered']
  if (roll < 85) return ['queued', 'sent', 'delivered', 'read']
  if (roll < 98) return ['queued', 'sent', 'delivered', 'read', 'replied']
  return ['queued', 'sent', 'delivered', 'read', 'opted_out']
}

/** When recipient `index` reached its stages: spread over DAYS days, a few minutes apart. */
function timeOf(index: number, stageIndex: number) {
  const start = Date.UTC(2025, 2, 10, 11, 0, 0)
  return new Date(start + (index % (DAYS * 24)) * 3_600_000 + stageIndex * 90_000)
}

async function main() {
  const app = await bootApp()
  const { db } = await import('#sdk')
  const { createTenantWithOwner } = await import('#tests/helpers/accounts')
  const { createPublishedCampaign } = await import('#tests/helpers/campaigns')
  const { sandboxInstance } = await import('#tests/helpers/reports')
  const { countStages } = await import('../plugins/reports/services/counter_store.js')
  const { hourBucket, dayBucket } = await import('../plugins/reports/services/bucket_keys.js')
  const { tenantTimeZone } = await import('../plugins/reports/services/tenant_zones.js')
  const queries = await import('../plugins/reports/services/report_queries.js')

  const { tenant } = await createTenantWithOwner('Reports bench')
  const campaign = await createPublishedCampaign(tenant.id)
  const instances = [] as number[]
  for (let index = 0; index < 4; index++) {
    const instance = await sandboxInstance(tenant.id, 'Bench')
    instances.push(instance.id)
  }
  const messageBase = 1_000_000_000 + Math.floor(Math.random() * 1_000_000) * 1_000
  const messageOf = (index: number) => ({
    tenantId: tenant.id,
    messageId: messageBase + index,
    campaignId: campaign.id,
    instanceId: instances[index % instances.length],
    nodeId: NODES[index % NODES.length],
  })

  let started = performance.now()
  for (let index = 0; index < Math.min(COUNTED, RECIPIENTS); index++) {
    const stages = fateOf(index).map((stage, i) => ({ stage, at: timeOf(index, i) }))
    await countStages(messageOf(index), stages)
  }
  const countedMs = performance.now() - started
  console.log(
    `counted ${COUNTED} recipients through countStages in ${(countedMs / 1000).toFixed(1)} s ` +
      `(${Math.round(COUNTED / (countedMs / 1000))} messages/s)`
  )

  started = performance.now()
  const timeZone = await tenantTimeZone(tenant.id)
  const buckets = new Map<string, Record<string, number | string>>()
  const marks: Record<string, number | string>[] = []
  for (let index = COUNTED; index < RECIPIENTS; index++) {
    const message = messageOf(index)
    const mark: Record<string, number | string> = {
      message_id: message.messageId,
      tenant_id: tenant.id,
      campaign_id: campaign.id,
      instance_id: message.instanceId,
      node_id: message.nodeId,
    }
    for (const [i, stage] of fateOf(index).entries()) {
      mark[stage] = 1
      const at = timeOf(index, i)
      for (const [period, bucket] of [
        ['hour', hourBucket(at)],
        ['day', dayBucket(at, timeZone)],
      ]) {
        const key = `${period}|${bucket}|${message.instanceId}|${message.nodeId}`
        const row = buckets.get(key) ?? {
          tenant_id: tenant.id,
          period,
          bucket,
          campaign_id: campaign.id,
          instance_id: message.instanceId,
          node_id: message.nodeId,
        }
        row[stage] = Number(row[stage] ?? 0) + 1
        buckets.set(key, row)
      }
    }
    marks.push(mark)
  }
  for (let offset = 0; offset < marks.length; offset += 2_000) {
    await db.table('reports_message_marks').multiInsert(marks.slice(offset, offset + 2_000))
  }
  for (const row of buckets.values()) {
    await db
      .table('reports_buckets')
      .insert(row)
      .onConflict(['tenant_id', 'period', 'bucket', 'campaign_id', 'instance_id', 'node_id'])
      .merge(
        Object.fromEntries(
          Object.entries(row)
            .filter(
              ([column]) =>
                ![
                  'tenant_id',
                  'period',
                  'bucket',
                  'campaign_id',
                  'instance_id',
                  'node_id',
                ].includes(column)
            )
            .map(([column, value]) => [column, db.raw('?? + ?', [column, value])])
        )
      )
  }
  await db.table('campaign_runs').insert({
    campaign_id: campaign.id,
    tenant_id: tenant.id,
    enrolled: RECIPIENTS,
    completed: RECIPIENTS,
  })
  await seedOtherCampaigns(db, tenant.id, instances, createPublishedCampaign)
  console.log(
    `wrote ${marks.length} more recipients in bulk in ${((performance.now() - started) / 1000).toFixed(1)} s`
  )

  const bucketRows = await db
    .from('reports_buckets')
    .where('tenant_id', tenant.id)
    .count('* as total')
    .first()
  console.log(`tenant ${tenant.id}, campaign ${campaign.id}: ${bucketRows.total} bucket rows`)

  const funnel = await queries.campaignFunnel(tenant.id, campaign.id)
  console.log('funnel', JSON.stringify(funnel))

  const scope = { tenantId: tenant.id, campaignId: campaign.id }
  const cases: [string, () => Promise<unknown>][] = [
    ['funnel', () => queries.campaignFunnel(tenant.id, campaign.id)],
    ['volume by hour', () => queries.volume(scope, 'hour')],
    ['volume by day', () => queries.volume(scope, 'day')],
    ['per instance', () => queries.perInstance(scope)],
    ['per node', () => queries.perNode(tenant.id, campaign.id)],
    ['all campaigns', () => queries.campaignsOverview(tenant.id)],
    [
      'campaign page (all of the above but all campaigns, in parallel)',
      () =>
        Promise.all([
          queries.campaignFunnel(tenant.id, campaign.id),
          queries.volume(scope, 'hour'),
          queries.volume(scope, 'day'),
          queries.perInstance(scope),
          queries.perNode(tenant.id, campaign.id),
        ]),
    ],
  ]
  for (const [name, run] of cases) {
    await run()
    const samples: number[] = []
    for (let index = 0; index < RUNS; index++) {
      const start = performance.now()
      await run()
      samples.push(performance.now() - start)
    }
    console.log(
      `${name}: p50 ${quantile(samples, 0.5).toFixed(1)} ms, p95 ${quantile(samples, 0.95).toFixed(1)} ms, ` +
        `max ${Math.max(...samples).toFixed(1)} ms over ${RUNS} runs`
    )
  }

  await app.terminate()
}

/** Twenty smaller campaigns of the same tenant, 2,000 recipients each, as day and hour rows. */
async function seedOtherCampaigns(
  db: any,
  tenantId: number,
  instances: number[],
  createPublishedCampaign: (tenantId: number) => Promise<{ id: number }>
) {
  const { hourBucket, dayBucket } = await import('../plugins/reports/services/bucket_keys.js')
  for (let other = 0; other < 20; other++) {
    const campaign = await createPublishedCampaign(tenantId)
    const rows = []
    for (let hour = 0; hour < DAYS * 24; hour++) {
      const at = new Date(Date.UTC(2025, 1, 1 + other, 0, 0, 0) + hour * 3_600_000)
      for (const [period, bucket] of [
        ['hour', hourBucket(at)],
        ['day', dayBucket(at, 'UTC')],
      ]) {
        rows.push({
          tenant_id: tenantId,
          period,
          bucket,
          campaign_id: campaign.id,
          instance_id: instances[hour % instances.length],
          node_id: NODES[hour % NODES.length],
          queued: 17,
          sent: 16,
          delivered: 15,
          read: 9,
        })
      }
    }
    await db
      .table('reports_buckets')
      .multiInsert(rows)
      .onConflict(['tenant_id', 'period', 'bucket', 'campaign_id', 'instance_id', 'node_id'])
      .merge(['queued', 'sent', 'delivered', 'read'])
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

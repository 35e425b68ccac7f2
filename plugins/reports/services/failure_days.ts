import { fromSqlTime } from '#sdk'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import { dayBucket } from './bucket_keys.js'
import { DEFAULT_FAILURE_CODE } from './stages.js'

/** Source rows read per query, and `reports_failures` rows written per insert. */
const BATCH_SIZE = 1000

/** One row of `reports_failures`. */
interface FailureRow {
  tenant_id: number
  campaign_id: number
  day: string
  code: string
  failed: number
}

/** Failed counts by tenant, campaign, day and failure code, as `reports_failures` stores them. */
class FailureTotals {
  private rows = new Map<string, FailureRow>()
  /** Sums over every day, by tenant, campaign and code. */
  private sums = new Map<string, number>()

  add(key: Omit<FailureRow, 'failed'>, failed = 1) {
    const id = [key.tenant_id, key.campaign_id, key.day, key.code].join('|')
    const row = this.rows.get(id) ?? { ...key, failed: 0 }
    row.failed += failed
    this.rows.set(id, row)
    const sumId = this.sumId(key.tenant_id, key.campaign_id, key.code)
    this.sums.set(sumId, (this.sums.get(sumId) ?? 0) + failed)
  }

  /** Returns the total of one campaign and code over every day. */
  totalOf(tenantId: number, campaignId: number, code: string) {
    return this.sums.get(this.sumId(tenantId, campaignId, code)) ?? 0
  }

  list() {
    return [...this.rows.values()]
  }

  private sumId(tenantId: number, campaignId: number, code: string) {
    return `${tenantId}|${campaignId}|${code}`
  }
}

/**
 * Rebuilds `reports_failures` by day from the core's rows of the failures
 * that the reports counted as `failed`. A failed outbound message counts
 * when its mark row has `failed` set, on the day of its `failed_at` and
 * under its `failure_code`. A send step that failed before its message
 * existed counts when it has a `reports_step_marks` row, on the day of its
 * `step_failures.created_at` and under its `code`. Days are day buckets in
 * the tenant's time zone, as counting computes them.
 *
 * When the table held more failures of a campaign and code than these rows
 * show, such as for messages deleted with their connection, the difference
 * stays in a row with the day `''`, which only the whole run counts.
 * Failures counted before the reports kept codes get the code of their
 * source row. A second run leaves the table as the first one did.
 *
 * NOTE: days follow each tenant's time zone at the rebuild, so a failure
 * counted before its tenant changed zones may move to the day before or after
 * the one its `failed` stage was counted on in `reports_buckets`.
 */
export async function rebuildFailureDays(client: QueryClientContract) {
  const zones = await tenantZones(client)
  const totals = new FailureTotals()
  await addSourceRows(countedMessages(client), zones, totals)
  await addSourceRows(countedSteps(client), zones, totals)

  const earlier = await client
    .from('reports_failures')
    .groupBy('tenant_id', 'campaign_id', 'code')
    .select('tenant_id', 'campaign_id', 'code')
    .sum('failed as failed')
  for (const row of earlier) {
    const key = {
      tenant_id: Number(row.tenant_id),
      campaign_id: Number(row.campaign_id),
      day: '',
      code: String(row.code),
    }
    const missing = Number(row.failed) - totals.totalOf(key.tenant_id, key.campaign_id, key.code)
    if (missing > 0) {
      totals.add(key, missing)
    }
  }

  await client.from('reports_failures').delete()
  const rows = totals.list()
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await client.table('reports_failures').multiInsert(rows.slice(start, start + BATCH_SIZE))
  }
}

async function tenantZones(client: QueryClientContract) {
  const rows = await client.from('tenants').select('id', 'timezone')
  return new Map(rows.map((row) => [Number(row.id), String(row.timezone || 'UTC')]))
}

/** Query of up to BATCH_SIZE source rows of counted failures with an `id` above `after`, by ascending `id`. */
type SourceBatch = (after: number) => Promise<Record<string, any>[]>

/**
 * Adds every source row that `readBatch` returns, batch after batch. Each
 * row has the columns `id`, `tenant_id`, `campaign_id`, `code` (`null` for
 * the default code) and `at`, the failure's time.
 */
async function addSourceRows(
  readBatch: SourceBatch,
  zones: Map<number, string>,
  totals: FailureTotals
) {
  let after = 0
  for (;;) {
    const rows = await readBatch(after)
    for (const row of rows) {
      const tenantId = Number(row.tenant_id)
      totals.add({
        tenant_id: tenantId,
        campaign_id: Number(row.campaign_id),
        day: dayBucket(fromSqlTime(row.at)!, zones.get(tenantId) ?? 'UTC'),
        code: row.code === null ? DEFAULT_FAILURE_CODE : String(row.code),
      })
    }
    if (rows.length < BATCH_SIZE) {
      return
    }
    after = Number(rows[rows.length - 1].id)
  }
}

/** Builds the batch query of the failed messages that the reports counted, by message id. */
function countedMessages(client: QueryClientContract): SourceBatch {
  return (after) =>
    client
      .from('reports_message_marks')
      .join('messages', 'messages.id', 'reports_message_marks.message_id')
      .where('reports_message_marks.failed', 1)
      .where('reports_message_marks.message_id', '>', after)
      .whereNotNull('messages.failed_at')
      .orderBy('reports_message_marks.message_id')
      .limit(BATCH_SIZE)
      .select(
        'reports_message_marks.message_id as id',
        'reports_message_marks.tenant_id',
        'reports_message_marks.campaign_id',
        'messages.failure_code as code',
        'messages.failed_at as at'
      )
}

/** Builds the batch query of the send steps that failed before their message existed and that the reports counted. */
function countedSteps(client: QueryClientContract): SourceBatch {
  return (after) =>
    client
      .from('step_failures')
      .join('reports_step_marks', (join) => {
        join
          .on('reports_step_marks.journey_id', 'step_failures.journey_id')
          .andOn('reports_step_marks.step', 'step_failures.step')
      })
      .where('step_failures.id', '>', after)
      .orderBy('step_failures.id')
      .limit(BATCH_SIZE)
      .select(
        'step_failures.id',
        'step_failures.tenant_id',
        'step_failures.campaign_id',
        'step_failures.code',
        'step_failures.created_at as at'
      )
}

import type { StepFailedEvent } from '#sdk'
import { dayBucket } from './bucket_keys.js'
import { addToBuckets, inCountTransaction, type Transaction } from './counter_store.js'
import { tenantTimeZone } from './tenant_zones.js'

/** One failure to add to the breakdown by reason. */
export interface CountedFailure {
  /** `null` for a message outside campaigns. */
  campaignId: number | null
  code: string
  /** Instant of the failure, the one its `failed` stage is counted at in the buckets. */
  at: Date
}

/** Columns of the unique key of `reports_failures`, in index order. */
const FAILURE_KEY = ['tenant_id', 'campaign_id', 'day', 'code']

/**
 * Adds failures to the tenant's counts by campaign, day and failure code,
 * with one upsert per key, in key order so two transactions lock shared
 * rows in the same order. The day is the failure's day bucket in
 * `timeZone`, the one its `failed` stage is counted on, so the counts by
 * code of a range of days add up to the range's `failed` count.
 */
export async function addFailureReasons(
  trx: Transaction,
  tenantId: number,
  failures: CountedFailure[],
  timeZone: string
) {
  const totals = new Map<
    string,
    { campaignId: number; day: string; code: string; failed: number }
  >()
  for (const failure of failures) {
    const campaignId = failure.campaignId ?? 0
    const day = dayBucket(failure.at, timeZone)
    const key = `${String(campaignId).padStart(10, '0')}|${day}|${failure.code}`
    const entry = totals.get(key) ?? { campaignId, day, code: failure.code, failed: 0 }
    entry.failed += 1
    totals.set(key, entry)
  }

  for (const key of [...totals.keys()].sort()) {
    const { campaignId, day, code, failed } = totals.get(key)!
    await trx
      .table('reports_failures')
      .insert({ tenant_id: tenantId, campaign_id: campaignId, day, code, failed })
      .onConflict(FAILURE_KEY)
      .merge({ failed: trx.raw('?? + ?', ['failed', failed]) })
  }
}

/**
 * Claims a failed step for this count, or returns `false` when an earlier
 * event of the same step counted it. On InnoDB two first claims at once
 * deadlock on the missing row's gap lock, and the retried loser then finds it.
 */
async function claimStep(trx: Transaction, event: StepFailedEvent) {
  const mark = await trx
    .from('reports_step_marks')
    .where('journey_id', event.journeyId)
    .where('step', event.step)
    .forUpdate()
    .first()
  if (mark) {
    return false
  }
  await trx
    .table('reports_step_marks')
    .insert({ journey_id: event.journeyId, step: event.step, tenant_id: event.tenantId })
  return true
}

/**
 * Counts a send step that failed before its message existed as failed, in
 * the buckets of its campaign, instance and node at the event's time and
 * in the breakdown by reason, once per journey step whatever the events
 * repeat.
 */
export async function countStepFailure(event: StepFailedEvent) {
  const timeZone = await tenantTimeZone(event.tenantId)
  const at = new Date(event.occurredAt)

  await inCountTransaction(async (trx) => {
    if (!(await claimStep(trx, event))) {
      return
    }
    const owner = {
      tenantId: event.tenantId,
      campaignId: event.campaignId,
      instanceId: event.instanceId,
      nodeId: event.nodeId,
    }
    await addToBuckets(trx, owner, [{ stage: 'failed', at }], timeZone)
    await addFailureReasons(
      trx,
      event.tenantId,
      [{ campaignId: event.campaignId, code: event.code, at }],
      timeZone
    )
  })
}

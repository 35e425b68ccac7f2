import type { Job } from 'bullmq'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Journey from '#models/journey'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow } from '#engine/clock'
import { ensureJourneyJob } from '#engine/journey_transitions'
import { requestProgress } from '#engine/campaign_progress'
import { releasePaceSlots } from '#engine/pacing'
import { getQueue } from '#queues/queue_factory'
import { outboundQueueName, type OutboundJobData } from '#services/channels/outbound_queue'

/** Journeys released or ended per query when a campaign resumes or is cancelled. */
const CONTROL_BATCH = 500

/**
 * Releases the journeys a paused campaign held: each gets the job that
 * moves it on from where it stopped. Journeys whose jobs have not come due
 * yet were never held and keep their jobs.
 */
export async function resumeCampaignJourneys(tenantId: number, campaignId: number) {
  let released = 0
  let afterId = 0
  for (;;) {
    const journeys = await Journey.query()
      .where('campaign_id', campaignId)
      .where('held', true)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(CONTROL_BATCH)
    if (journeys.length === 0) {
      break
    }
    // Jobs first, then the flag: a crash in between leaves the journeys held, so the
    // retried resume finds them again, and a job added twice keeps its one id.
    await Promise.all(journeys.map((journey) => ensureJourneyJob(journey)))
    await db
      .from('journeys')
      .whereIn(
        'id',
        journeys.map((journey) => journey.id)
      )
      .update({ held: false })
    released += journeys.length
    afterId = journeys[journeys.length - 1].id
  }
  logger.info({ tenantId, campaignId, released }, 'campaign journeys released')
  await promotePausedSends(tenantId, campaignId)
  requestProgress(tenantId, campaignId)
  return released
}

/**
 * Runs at once the sends of a resumed campaign that the send gate held
 * during the pause, instead of at their next look (see `PAUSED_RECHECK_MS`).
 * Each takes a new pace slot when it passes the gate.
 */
async function promotePausedSends(tenantId: number, campaignId: number) {
  for (const instanceId of await numbersWithQueuedSends(tenantId, campaignId)) {
    const held: Job<OutboundJobData>[] = []
    await forEachDelayedSend(instanceId, (job) => {
      if (job.data.journey?.campaignId === campaignId && job.data.repace) {
        held.push(job)
      }
    })
    for (const job of held) {
      // A job that came due meanwhile is no longer delayed and runs anyway.
      await job.promote().catch(() => undefined)
    }
    logger.info(
      { tenantId, campaignId, instanceId, promoted: held.length },
      'paused campaign sends promoted'
    )
  }
}

/** Lists the numbers on which the campaign has messages waiting to be sent. */
async function numbersWithQueuedSends(tenantId: number, campaignId: number) {
  const rows = await db
    .from('messages')
    .where('tenant_id', tenantId)
    .where('campaign_id', campaignId)
    .where('status', 'queued')
    .distinct('instance_id')
  return rows.map((row) => Number(row.instance_id))
}

/**
 * Calls `visit` with every delayed job of a number's outbound queue, read
 * DELAYED_PAGE at a time. `visit` must not move jobs out of the delayed
 * set, because that would shift the pages still to read.
 */
async function forEachDelayedSend(instanceId: number, visit: (job: Job<OutboundJobData>) => void) {
  const queue = getQueue(outboundQueueName(instanceId))
  for (let start = 0; ; start += DELAYED_PAGE) {
    const jobs = (await queue.getDelayed(start, start + DELAYED_PAGE - 1)) as Job<OutboundJobData>[]
    for (const job of jobs) {
      visit(job)
    }
    if (jobs.length < DELAYED_PAGE) {
      return
    }
  }
}

/**
 * Ends every unended journey of a cancelled campaign. Their pending jobs
 * find the journey ended and do nothing; sends not yet made are failed by
 * the send gate.
 */
export async function cancelCampaignJourneys(tenantId: number, campaignId: number) {
  const now = sqlTime(await engineNow())
  let ended = 0
  for (;;) {
    const ids = await db
      .from('journeys')
      .where('campaign_id', campaignId)
      .whereNot('state', 'ended')
      .limit(CONTROL_BATCH)
      .select('id')
    if (ids.length === 0) {
      break
    }
    ended += Number(
      await db
        .from('journeys')
        .whereIn(
          'id',
          ids.map((row) => row.id)
        )
        .whereNot('state', 'ended')
        .update({ state: 'ended', end_reason: 'cancelled', ended_at: now, updated_at: now })
    )
  }
  logger.info({ tenantId, campaignId, ended }, 'campaign journeys cancelled')
  await releaseCancelledSends(tenantId, campaignId)
  requestProgress(tenantId, campaignId)
  return ended
}

/** Returns the engine instant, in epoch milliseconds, of the pace slot a delayed send waits for. */
function slotOf(job: Job<OutboundJobData>) {
  return Date.parse(job.data.dueAt ?? '') || job.timestamp + job.delay
}

/** Delayed jobs read from an outbound queue at a time while releasing a cancelled campaign's sends. */
const DELAYED_PAGE = 500

/**
 * Frees the numbers of a cancelled campaign at once. Its sends waiting in
 * a number's queue for their slots run now instead, and the send gate
 * fails them without sending. Their slots go back to the number, so the
 * next campaign on it does not wait behind sends that will never happen.
 * The number's next send keeps the minimum interval of the campaign whose
 * send has the latest slot still reserved, since that send comes before it.
 */
async function releaseCancelledSends(tenantId: number, campaignId: number) {
  for (const instanceId of await numbersWithQueuedSends(tenantId, campaignId)) {
    const released: Job<OutboundJobData>[] = []
    let latestKept: number | null = null
    // The campaign whose send has the latest kept slot, or the cancelled one when none is kept.
    let gapCampaignId = campaignId
    await forEachDelayedSend(instanceId, (job) => {
      if (job.data.journey?.campaignId === campaignId) {
        released.push(job)
      } else if (slotOf(job) > (latestKept ?? 0)) {
        latestKept = slotOf(job)
        gapCampaignId = job.data.journey?.campaignId ?? campaignId
      }
    })
    for (const job of released) {
      // A job that became due meanwhile is no longer delayed and runs anyway.
      await job.promote().catch(() => undefined)
    }
    const gapCampaign = await db
      .from('campaigns')
      .where('id', gapCampaignId)
      .select('min_interval_seconds')
      .first()
    await releasePaceSlots(
      instanceId,
      released.map(slotOf),
      latestKept,
      Number(gapCampaign?.min_interval_seconds ?? 0)
    )
    logger.info(
      { tenantId, campaignId, instanceId, released: released.length },
      'cancelled campaign sends released'
    )
  }
}

import type { Job } from 'bullmq'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Journey, { OPEN_JOURNEY_STATES } from '#models/journey'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow } from '#engine/clock'
import { ensureJourneyJob } from '#engine/journey_transitions'
import { requestProgress } from '#engine/campaign_progress'
import { reevaluateQuietHolds } from '#engine/quiet_reevaluation'
import type { OutboundJobData } from '#services/channels/outbound_queue'
import {
  forEachDelayedSend,
  numbersWithQueuedSends,
  releaseQueuedSends,
} from '#engine/queued_sends'

/** Journeys released or ended per query when a campaign resumes or is cancelled. */
const CONTROL_BATCH = 500

/**
 * Releases the journeys a paused campaign held: each gets the job that
 * moves it on from where it stopped. Journeys whose jobs have not come due
 * yet were never held and keep their jobs. What waits for quiet hours is
 * checked first against the policy in force now, which may have changed
 * or ended during the pause, before the released journeys reserve slots.
 */
export async function resumeCampaignJourneys(tenantId: number, campaignId: number) {
  await reevaluateQuietHolds({ tenantId, campaignId })
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
      .whereIn('state', OPEN_JOURNEY_STATES)
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

/**
 * Frees the numbers of a cancelled campaign at once. Its sends waiting in
 * a number's queue for their slots run now instead, and the send gate
 * fails them without sending. Their slots go back to the number (see
 * `releaseQueuedSends`), so the next campaign on it does not wait behind
 * sends that will never happen.
 */
async function releaseCancelledSends(tenantId: number, campaignId: number) {
  for (const instanceId of await numbersWithQueuedSends(tenantId, campaignId)) {
    const released = await releaseQueuedSends(instanceId, new Set([campaignId]))
    for (const job of released) {
      // A job that became due meanwhile is no longer delayed and runs anyway.
      await job.promote().catch(() => undefined)
    }
    logger.info(
      { tenantId, campaignId, instanceId, released: released.length },
      'cancelled campaign sends released'
    )
  }
}

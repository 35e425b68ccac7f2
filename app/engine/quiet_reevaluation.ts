import type { Job } from 'bullmq'
import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Campaign from '#models/campaign'
import Journey from '#models/journey'
import Tenant from '#models/tenant'
import { getQueue } from '#queues/queue_factory'
import { sqlTime } from '#services/channels/sql_time'
import { delayUntil, engineNow } from '#engine/clock'
import { CONTROL_QUEUE, getJourneyJob } from '#engine/engine_queues'
import { ensureJourneyJob } from '#engine/journey_transitions'
import { requestProgress } from '#engine/campaign_progress'
import {
  announceTenantQuietHoursChange,
  forgetTenantQuietHours,
  quietUntil,
} from '#engine/quiet_policy'
import { forgetHeldSends } from '#engine/quiet_holds'
import { numbersWithQueuedSends, releaseQueuedSends } from '#engine/queued_sends'

/** Journeys read per query while their quiet-hours deferral is checked again. */
const JOURNEY_BATCH = 500

/** States of the campaigns whose holds are checked again: a paused one shows its new end too. */
const LIVE_STATES = ['running', 'paused'] as const

export interface QuietHoursChange {
  tenantId: number
  /** The campaign whose own policy changed, or `null` when the tenant's changed. */
  campaignId: number | null
}

/**
 * Announces a change of the tenant's quiet hours (or time zone), or of one
 * campaign's, and enqueues the control job that checks the holds again
 * under the new policy (see `reevaluateQuietHolds`). Called by the process
 * that saved the change, usually a web process.
 */
export async function quietHoursChanged(change: QuietHoursChange) {
  if (change.campaignId === null) {
    await announceTenantQuietHoursChange(change.tenantId)
  }
  const scope = change.campaignId ?? 'all'
  await getQueue(CONTROL_QUEUE).add('quiet-hours', change, {
    jobId: `quiet-hours-${change.tenantId}-${scope}-${Date.now()}`,
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { count: 1000 },
  })
}

/**
 * Loads the running or paused campaigns a change touches: the one named,
 * or the tenant's campaigns that keep the tenant's quiet hours.
 */
async function touchedCampaigns(change: QuietHoursChange) {
  const query = Campaign.query()
    .where('tenant_id', change.tenantId)
    .whereIn('state', [...LIVE_STATES])
  if (change.campaignId !== null) {
    return query.where('id', change.campaignId)
  }
  const campaigns = await query
  return campaigns.filter((campaign) => campaign.quietHours.mode === 'tenant')
}

/**
 * Checks again, under the quiet hours in force now, what waits for quiet
 * hours to end in the campaigns a change touches. Journeys deferred at a
 * send step go on now when sending is allowed, and otherwise wait for the
 * new end. Sends the send gate holds are given back their pace slots and
 * pass the gate again, which takes a new slot of the number's pace outside
 * quiet hours, so released sends never leave in a burst. Safe to run twice.
 */
export async function reevaluateQuietHolds(change: QuietHoursChange) {
  // This process may keep a copy read before the change, as when the change came from a web process.
  // NOTE: a process whose subscriber connection missed the announcement and has not reconnected
  // yet keeps its copy up to 30 s, so a step it runs then defers again until the old end.
  forgetTenantQuietHours(change.tenantId)
  const campaigns = await touchedCampaigns(change)
  if (campaigns.length === 0) {
    return { journeys: 0, sends: 0 }
  }
  const tenant = await Tenant.findOrFail(change.tenantId)
  let journeys = 0
  for (const campaign of campaigns) {
    journeys += await redeferJourneys(campaign, tenant.timezone)
  }
  const sends = await releaseHeldSends(change.tenantId, campaigns)
  for (const campaign of campaigns) {
    requestProgress(change.tenantId, campaign.id)
  }
  logger.info({ ...change, journeys, sends }, 'quiet hours holds re-evaluated')
  return { journeys, sends }
}

/**
 * Moves the wake-up of the campaign's journeys deferred by quiet hours at
 * their send step (waiting with no port to follow) to the end of the quiet
 * hours in force now, or to now when sending is allowed. The woken step
 * checks the policy again before it sends. Returns the journeys moved.
 */
async function redeferJourneys(campaign: Campaign, tenantZone: string) {
  let moved = 0
  let afterId = 0
  for (;;) {
    const now = await engineNow()
    const deferred = await Journey.query()
      .leftJoin('contacts', 'contacts.id', 'journeys.contact_id')
      .where('journeys.campaign_id', campaign.id)
      .where('journeys.state', 'waiting')
      .whereNull('journeys.pending_port')
      .where('journeys.held', false)
      .where('journeys.id', '>', afterId)
      .orderBy('journeys.id')
      .limit(JOURNEY_BATCH)
      .select('journeys.*', 'contacts.timezone as contact_timezone')
    if (deferred.length === 0) {
      return moved
    }
    for (const journey of deferred) {
      const zone = journey.$extras.contact_timezone || tenantZone
      const until = (await quietUntil(campaign, now, zone)) ?? now
      if (journey.resumeAt?.toMillis() !== until.toMillis() && (await moveWake(journey, until))) {
        moved++
      }
    }
    afterId = deferred[deferred.length - 1].id
  }
}

/**
 * Sets a deferred journey's wake-up to `at`, while it is still at the same
 * step, and reschedules its `wake` job, which runs now when `at` has come.
 * Returns `false` when the journey moved on meanwhile.
 */
async function moveWake(journey: Journey, at: DateTime) {
  const updated = await db
    .from('journeys')
    .where('id', journey.id)
    .where('step', journey.step)
    .where('state', 'waiting')
    .whereNull('pending_port')
    .update({ resume_at: sqlTime(at) })
  if (Number(updated) !== 1) {
    return false
  }
  journey.resumeAt = at
  const job = await getJourneyJob({
    campaignId: journey.campaignId,
    journeyId: journey.id,
    step: journey.step,
    nodeId: journey.nodeId,
    phase: 'wake',
  })
  if (!job) {
    await ensureJourneyJob(journey)
    return true
  }
  await reschedule(job, at)
  return true
}

/**
 * Moves a delayed job to the engine instant `at`, or runs it now when `at`
 * has come. A job that is no longer delayed is running or ran already, and
 * its step reads the new policy itself, so it is left alone.
 */
async function reschedule(job: Job, at: DateTime) {
  try {
    await job.updateData({ ...job.data, dueAt: at.toUTC().toISO()! })
    const delay = await delayUntil(at)
    if (delay > 0) {
      await job.changeDelay(delay)
    } else {
      await job.promote()
    }
  } catch (error) {
    logger.debug({ err: error, jobId: job.id }, 'quiet hours job left as it was')
  }
}

/**
 * Releases the campaigns' sends that wait in their numbers' outbound
 * queues, as `releaseCancelledSends` does for a cancelled campaign: the
 * released slots go back to the number, then each send passes the send
 * gate again with `repace` set. The gate holds it until the new quiet
 * hours end, or takes the number's next pace slot. Every waiting send of
 * these campaigns is released, not only those recorded as held, because a
 * send paced behind a held one waits for the old end too. Returns how many
 * were released.
 */
async function releaseHeldSends(tenantId: number, campaigns: Campaign[]) {
  const touched = new Set(campaigns.map((campaign) => campaign.id))
  const numbers = new Set<number>()
  for (const campaign of campaigns) {
    for (const instanceId of await numbersWithQueuedSends(tenantId, campaign.id)) {
      numbers.add(instanceId)
    }
  }
  let total = 0
  for (const instanceId of numbers) {
    total += await releaseNumberSends(instanceId, touched)
  }
  return total
}

async function releaseNumberSends(instanceId: number, touched: Set<number>) {
  const released = await releaseQueuedSends(instanceId, touched)
  for (const job of released) {
    await forgetHeldSends(job.data.journey!.campaignId, [job.data.messageId])
  }
  for (const job of released) {
    try {
      await job.updateData({ ...job.data, repace: true })
      await job.promote()
    } catch (error) {
      // A job that came due meanwhile is no longer delayed and passes the gate anyway.
      logger.debug({ err: error, jobId: job.id }, 'held send left as it was')
    }
  }
  return released.length
}

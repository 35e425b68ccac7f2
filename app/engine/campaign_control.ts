import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Journey from '#models/journey'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow } from '#engine/clock'
import { ensureJourneyJob } from '#engine/journey_transitions'
import { requestProgress } from '#engine/campaign_progress'

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
    for (const journey of journeys) {
      await db.from('journeys').where('id', journey.id).update({ held: false })
      await ensureJourneyJob(journey)
    }
    released += journeys.length
    afterId = journeys[journeys.length - 1].id
  }
  logger.info({ tenantId, campaignId, released }, 'campaign journeys released')
  requestProgress(tenantId, campaignId)
  return released
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
  requestProgress(tenantId, campaignId)
  return ended
}

import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { finishCampaign } from '#services/campaigns/campaign_states'
import { OPEN_JOURNEY_STATES } from '#models/journey'

/**
 * Concurrent finish checks of one campaign, run as one. A check starts
 * after every request it serves was made, so it reads every journey end
 * that came before them.
 */
const checks = new KeyedBatcher<number, number, boolean>((campaignId, tenantIds) =>
  finishIfDone(tenantIds[0], campaignId)
)

/**
 * Finishes the campaign when its enrollment is done and no journey is left
 * unended. Called after every journey end and after enrollment; concurrent
 * calls are harmless because `finishCampaign` changes a running or paused
 * campaign only once. Returns whether this check finished it.
 */
export function checkFinished(tenantId: number, campaignId: number) {
  return checks.add(campaignId, tenantId)
}

async function finishIfDone(tenantId: number, campaignId: number) {
  // One round trip per check: a row only when enrollment finished and no journey is open.
  const done = await db
    .from('campaign_runs')
    .where('campaign_id', campaignId)
    .whereNotNull('enrollment_finished_at')
    .whereNotExists((open) =>
      open.from('journeys').where('campaign_id', campaignId).whereIn('state', OPEN_JOURNEY_STATES)
    )
    .select('campaign_id')
    .first()
  if (!done) {
    return false
  }
  const [{ total }] = await db.from('journeys').where('campaign_id', campaignId).count('* as total')
  const finished = await finishCampaign(campaignId, Number(total))
  if (finished) {
    logger.info({ tenantId, campaignId, journeys: Number(total) }, 'campaign finished')
  }
  return finished
}

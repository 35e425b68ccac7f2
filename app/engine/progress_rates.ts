import db from '@adonisjs/lucid/services/db'
import type Campaign from '#models/campaign'
import type { CampaignProgressRates, CampaignProgressTotals } from '#flow/progress'
import { sqlTime } from '#services/channels/sql_time'
import type { DateTime } from 'luxon'
import { paceSendsPerMinute } from '#engine/pacing'
import { paceOf } from '#engine/journey_sender'

/** The window rates are measured over, in milliseconds: the last minute. */
export const RATE_WINDOW_MS = 60_000

/**
 * Sends a minute the campaign's pace allows on all its numbers together;
 * `null` when pacing is off.
 */
export function campaignPacePerMinute(campaign: Campaign) {
  // The cap days' time zone does not change the average over a day.
  const perNumber = paceSendsPerMinute(paceOf(campaign, 'UTC'))
  if (perNumber === null) {
    return null
  }
  return perNumber * Math.max(1, campaign.channelInstanceIds.length)
}

/**
 * Estimated seconds left for `remaining` sends at `perMinute`: 0 when none
 * remain, `null` when the rate is unknown.
 */
export function etaSecondsAt(remaining: number, perMinute: number | null) {
  if (remaining <= 0) {
    return 0
  }
  if (!perMinute || perMinute <= 0) {
    return null
  }
  return Math.round((remaining / perMinute) * 60)
}

/**
 * Measures the campaign's rates over the last minute and estimates the
 * time left. Message times are the provider's acceptance times, on the
 * wall clock. Step times are engine times, counted back from `engineTime`,
 * so a test that moves the engine clock measures node rates in its own time.
 */
export async function computeRates(
  campaign: Campaign,
  totals: CampaignProgressTotals,
  engineTime: DateTime
): Promise<CampaignProgressRates> {
  const now = new Date()
  const [sent] = await db
    .from('messages')
    .where('tenant_id', campaign.tenantId)
    .where('campaign_id', campaign.id)
    .whereIn('status', ['sent', 'delivered', 'read'])
    .where('sent_at', '>=', sqlTime(new Date(now.getTime() - RATE_WINDOW_MS)))
    .count('* as total')
  const stepsSince = engineTime.minus({ milliseconds: RATE_WINDOW_MS })
  const steps = await db
    .from('journey_steps')
    .where('campaign_id', campaign.id)
    .where('created_at', '>=', sqlTime(stepsSince))
    .select('node_id')
    .count('* as total')
    .groupBy('node_id')

  const perMinute = 60_000 / RATE_WINDOW_MS
  const sentPerMinute = Number(sent.total) * perMinute
  const pacePerMinute = campaignPacePerMinute(campaign)
  const nodesPerMinute: Record<string, number> = {}
  for (const row of steps) nodesPerMinute[row.node_id] = Number(row.total) * perMinute

  return {
    at: now.toISOString(),
    sentPerMinute,
    pacePerMinute,
    etaSeconds: etaSecondsAt(totals.active, pacePerMinute ?? sentPerMinute),
    nodesPerMinute,
  }
}

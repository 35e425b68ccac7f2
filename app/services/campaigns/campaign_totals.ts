import db from '@adonisjs/lucid/services/db'
import type { CampaignHold, CampaignProgressPayload } from '#flow/progress'
import { storedHold } from '#engine/campaign_progress'

/** The figures a campaign list shows: the stored totals and the sends quiet hours hold. */
export interface CampaignRunFigures {
  totals: CampaignProgressPayload['totals']
  held: CampaignHold
}

/**
 * Reads the totals and the hold the engine last stored for each campaign,
 * in one query, by campaign id. A campaign that never ran has no entry.
 */
export async function storedTotals(campaignIds: number[]) {
  const rows = await db
    .from('campaign_runs')
    .whereIn('campaign_id', campaignIds)
    .select(
      'campaign_id',
      'enrolled',
      'active',
      'completed',
      'sent',
      'failed',
      'cancelled',
      'held',
      'held_until'
    )
  return new Map<number, CampaignRunFigures>(
    rows.map((row) => [
      Number(row.campaign_id),
      {
        totals: {
          enrolled: Number(row.enrolled),
          active: Number(row.active),
          completed: Number(row.completed),
          sent: Number(row.sent),
          failed: Number(row.failed),
          cancelled: Number(row.cancelled),
        },
        held: storedHold(row),
      },
    ])
  )
}

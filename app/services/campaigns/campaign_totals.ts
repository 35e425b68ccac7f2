import db from '@adonisjs/lucid/services/db'
import type { CampaignProgressPayload } from '#flow/progress'

type Totals = CampaignProgressPayload['totals']

/**
 * Reads the totals the engine last stored for each campaign, in one query,
 * by campaign id. A campaign that never ran has no entry.
 */
export async function storedTotals(campaignIds: number[]) {
  const rows = await db
    .from('campaign_runs')
    .whereIn('campaign_id', campaignIds)
    .select('campaign_id', 'enrolled', 'active', 'completed', 'sent', 'failed')
  return new Map<number, Totals>(
    rows.map((row) => [
      Number(row.campaign_id),
      {
        enrolled: Number(row.enrolled),
        active: Number(row.active),
        completed: Number(row.completed),
        sent: Number(row.sent),
        failed: Number(row.failed),
      },
    ])
  )
}

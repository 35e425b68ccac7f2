import { db } from '#sdk'
import type { CountedMessage } from './counter_store.js'

/**
 * The campaign message a contact's reply or opt-out answers: the latest
 * outbound campaign message to the contact that was sent before `beforeId`
 * (the inbound message's id), on `instanceId` when given. `null` when the
 * contact never got one, so inbox conversations count in no campaign.
 */
export async function answeredCampaignMessage(
  tenantId: number,
  contactId: number,
  options: { instanceId?: number; beforeId?: number } = {}
): Promise<CountedMessage | null> {
  const query = db
    .from('messages')
    .where('tenant_id', tenantId)
    .where('contact_id', contactId)
    .where('direction', 'out')
    .whereNotNull('campaign_id')
    .whereNotNull('sent_at')
    .orderBy('id', 'desc')
    .select('id', 'campaign_id', 'instance_id', 'node_id')
  if (options.instanceId !== undefined) {
    query.where('instance_id', options.instanceId)
  }
  if (options.beforeId !== undefined) {
    query.where('id', '<', options.beforeId)
  }

  const row = await query.first()
  if (!row) {
    return null
  }
  return {
    tenantId,
    messageId: Number(row.id),
    campaignId: Number(row.campaign_id),
    instanceId: Number(row.instance_id),
    nodeId: row.node_id,
  }
}

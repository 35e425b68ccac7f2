import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'
import type { CampaignState } from '#models/campaign'

/** Transmit channel of a tenant's campaign state changes, which campaign lists follow. */
export function campaignStatesChannel(tenantId: number) {
  return `tenants/${tenantId}/campaigns`
}

/**
 * Tells the tenant's open pages that a campaign changed state, whoever
 * changed it: a member, the API, the scheduler or the engine at the finish.
 * A failed broadcast is logged, because the change itself is stored.
 */
export function broadcastCampaignState(tenantId: number, campaignId: number, state: CampaignState) {
  try {
    transmit.broadcast(campaignStatesChannel(tenantId), { campaignId, state })
  } catch (error) {
    logger.warn({ err: error, tenantId, campaignId, state }, 'campaign state broadcast failed')
  }
}

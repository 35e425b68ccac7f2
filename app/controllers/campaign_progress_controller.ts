import type { HttpContext } from '@adonisjs/core/http'
import Campaign from '#models/campaign'
import { currentProgress } from '#engine/campaign_progress'

export default class CampaignProgressController {
  /**
   * Returns the campaign's progress as last published by the engine (the
   * figures the live Transmit channel carried) with the numbers that are
   * not connected now, or `null` before the first publication, so a page
   * opened later starts from the same figures.
   */
  async show({ params, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaign = await Campaign.findOrFail(params.id)
    return {
      campaignId: campaign.id,
      state: campaign.state,
      progress: await currentProgress(campaign),
    }
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import Campaign from '#models/campaign'
import { apiCampaignValidator, paginationValidator } from '#validators/api'
import { applySettings } from '#services/campaigns/campaign_settings'
import { applyAction, type CampaignAction } from '#services/campaigns/campaign_states'
import { draftOf } from '#services/campaigns/flow_drafts'
import { computeProgress, storedProgress } from '#engine/campaign_progress'
import { campaignSettingsFrom } from '#services/api/campaign_input'
import { pageOf, paginated } from '#services/api/pagination'
import { serializeCampaign } from '#services/api/api_serializers'

export default class ApiCampaignsController {
  async index({ request }: HttpContext) {
    const { page, perPage } = pageOf(await paginationValidator.validate(request.qs()))
    const campaigns = await Campaign.query().orderBy('id').paginate(page, perPage)
    return paginated(campaigns, serializeCampaign)
  }

  /** Creates a draft campaign with an empty flow, to be drawn and published in the editor. */
  async store({ request, response, tenant, apiToken, i18n, logger }: HttpContext) {
    const input = await request.validateUsing(apiCampaignValidator)
    const settings = await campaignSettingsFrom(input, tenant.timezone, (key, values) =>
      i18n.t(key, values)
    )
    const campaign = new Campaign()
    campaign.merge({ state: 'draft', createdBy: apiToken!.createdBy })
    applySettings(campaign, settings, tenant.timezone)
    await campaign.save()
    await draftOf(campaign)
    logger.info({ campaignId: campaign.id }, 'campaign created through the api')
    return response.created({ data: serializeCampaign(campaign) })
  }

  async show({ params }: HttpContext) {
    return { data: serializeCampaign(await Campaign.findOrFail(params.id)) }
  }

  /**
   * Returns the progress the engine last stored, or figures computed now
   * for a campaign whose progress was never published.
   */
  async progress({ params }: HttpContext) {
    const campaign = await Campaign.findOrFail(params.id)
    const progress = (await storedProgress(campaign.id)) ?? (await computeProgress(campaign))
    return { data: { campaignId: campaign.id, state: campaign.state, ...progress } }
  }

  /** Start, pause, resume or cancel, attributed to the member who created the token. */
  static action(action: CampaignAction) {
    return async ({ params, apiToken }: HttpContext) => {
      const campaign = await Campaign.findOrFail(params.id)
      const updated = await applyAction(campaign.id, action, apiToken!.createdBy)
      return { data: serializeCampaign(updated) }
    }
  }
}

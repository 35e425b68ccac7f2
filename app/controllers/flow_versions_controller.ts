import type { HttpContext } from '@adonisjs/core/http'
import Campaign from '#models/campaign'
import FlowVersion from '#models/flow_version'
import { FlowInvalidException } from '#flow/flow_compiler'
import { publishDraft, restoreVersion } from '#services/campaigns/flow_publisher'
import { serializeVersion } from '#services/campaigns/flow_version_serializer'
import { recordAudit } from '#events/audit_record'
import { endedFlowConflict, isEnded } from '#services/campaigns/campaign_states'
import { draftMatchesCurrentVersion, draftOf } from '#services/campaigns/flow_drafts'

export default class FlowVersionsController {
  async index({ params, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaign = await Campaign.findOrFail(params.id)
    const versions = await FlowVersion.query()
      .where('campaign_id', campaign.id)
      .orderBy('number', 'desc')
    return { versions: versions.map(serializeVersion) }
  }

  /** One version with its frozen graph and execution plan, read-only. */
  async show({ params, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const version = await this.find(params.id, params.number)
    return { version: { ...serializeVersion(version), graph: version.graph, plan: version.plan } }
  }

  /**
   * Publishes the draft. Responds 422 with every problem while the draft is
   * invalid. `matchesCurrentVersion` is false when the draft changed again
   * while it was being published.
   */
  async store({ params, response, bouncer, auth, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const campaign = await Campaign.findOrFail(params.id)
    if (isEnded(campaign.state)) {
      return response.conflict(endedFlowConflict(campaign, i18n))
    }
    try {
      const previous = campaign.currentVersionId
        ? await FlowVersion.find(campaign.currentVersionId)
        : null
      const version = await publishDraft(campaign, auth.user!.id)
      await recordAudit('flow.published', {
        targetType: 'campaign',
        targetId: campaign.id,
        before: previous ? { version: previous.number } : null,
        after: { version: version.number, versionId: version.id },
      })
      const draft = await draftOf(campaign)
      return response.created({
        version: serializeVersion(version),
        matchesCurrentVersion: await draftMatchesCurrentVersion(campaign, draft.graph),
      })
    } catch (error) {
      if (error instanceof FlowInvalidException) {
        return response.unprocessableEntity({
          code: error.code,
          message: error.message,
          problems: error.problems,
        })
      }
      throw error
    }
  }

  /** Makes a version's graph the draft again. */
  async restore({ params, response, bouncer, auth, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const version = await this.find(params.id, params.number)
    const campaign = await Campaign.findOrFail(version.campaignId)
    if (isEnded(campaign.state)) {
      return response.conflict(endedFlowConflict(campaign, i18n))
    }
    const draft = await restoreVersion(campaign, version, auth.user!.id)
    return {
      revision: draft.revision,
      graph: draft.graph,
      basedOnVersionId: draft.basedOnVersionId,
      matchesCurrentVersion: await draftMatchesCurrentVersion(campaign, draft.graph),
    }
  }

  private async find(campaignId: string, number: string) {
    const campaign = await Campaign.findOrFail(campaignId)
    return FlowVersion.query()
      .where('campaign_id', campaign.id)
      .where('number', Number(number) || 0)
      .firstOrFail()
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import pluginHost from '#plugins/main'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import FlowVersion from '#models/flow_version'
import Template from '#models/template'
import { nodeTypes } from '#flow/node_type_registry'
import { paletteEntry } from '#flow/palette'
import { flowDraftValidator } from '#validators/campaigns'
import {
  checkDraft,
  draftMatchesCurrentVersion,
  draftOf,
  FlowConflictException,
  saveDraft,
} from '#services/campaigns/flow_drafts'
import { campaignVariables } from '#services/campaigns/flow_validation_context'
import {
  actionsFor,
  endedFlowConflict,
  isEnded,
  startBlockers,
} from '#services/campaigns/campaign_states'
import { serializeVersion } from '#services/campaigns/flow_version_serializer'
import type { FlowGraph } from '#flow/flow_graph'
import { currentProgress } from '#engine/campaign_progress'
import { offlineNumbers } from '#services/campaigns/campaign_numbers'
import { templateIdsOf } from '#services/templates/template_usage'
import { contactChoices, upgradeGraph } from '#services/campaigns/flow_editor_choices'

export default class CampaignFlowsController {
  /** The flow editor page. */
  async show({ params, inertia, bouncer, tenant, i18n }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaign = await Campaign.findOrFail(params.id)
    const draft = await draftOf(campaign)
    const { problems, ports } = await checkDraft(campaign, draft.graph)
    const versions = await FlowVersion.query()
      .where('campaign_id', campaign.id)
      .orderBy('number', 'desc')

    const enabled = new Set(await pluginHost.enabledFor(tenant.id))
    const has = (key: string) => i18n.hasMessage(key) || i18n.hasFallbackMessage(key)
    const palette = nodeTypes
      .list()
      .filter((entry) => entry.plugin === null || enabled.has(entry.plugin))
      .map((entry) => paletteEntry(entry, (key) => i18n.t(key), has))

    // Archived templates are listed only where this campaign's flow names them, so its steps keep their names.
    const named = new Set(
      [draft.graph, ...versions.map((version) => version.graph)].flatMap((graph) => [
        ...templateIdsOf(graph),
      ])
    )
    const templates = await Template.query()
      .where((query) => query.whereNull('archived_at').orWhereIn('id', [...named]))
      .orderBy('name')
      .select('id', 'name', 'archived_at')
    const instances = await ChannelInstance.query().orderBy('name').select('id', 'name')
    const offline = await offlineNumbers([campaign])
    const { contactFields, contactLists } = await contactChoices((key) => i18n.t(key))

    return inertia.render('campaigns/editor', {
      campaign: {
        id: campaign.id,
        name: campaign.name,
        state: campaign.state,
        currentVersionId: campaign.currentVersionId,
        actions: actionsFor(campaign.state),
        startBlockers: campaign.state === 'draft' ? startBlockers(campaign) : [],
        offline: offline.get(campaign.id) ?? null,
      },
      draft: {
        graph: upgradeGraph(draft.graph, contactLists),
        revision: draft.revision,
        basedOnVersionId: draft.basedOnVersionId,
        matchesCurrentVersion: await draftMatchesCurrentVersion(campaign, draft.graph),
      },
      problems,
      ports,
      palette,
      versions: versions.map(serializeVersion),
      templates: templates.map((template) => ({
        id: template.id,
        name: template.name,
        archived: template.archivedAt !== null,
      })),
      instances: instances.map((instance) => ({ id: instance.id, name: instance.name })),
      contactFields,
      contactLists,
      variables: [...(await campaignVariables(campaign))].sort(),
      // An ended campaign's flow is final, so the editor opens read-only for every role.
      canEdit: !isEnded(campaign.state) && (await bouncer.allows('designCampaigns')),
      progress: await currentProgress(campaign),
    })
  }

  /**
   * Saves the draft (autosave) and returns its new revision with the
   * problems and ports the editor shows, and whether the draft equals the
   * version the campaign runs. Returns 409 with the stored
   * revision when another save came first, and 409 for an ended campaign.
   */
  async update({ params, request, response, bouncer, auth, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const campaign = await Campaign.findOrFail(params.id)
    if (isEnded(campaign.state)) {
      return response.conflict(endedFlowConflict(campaign, i18n))
    }
    const input = await request.validateUsing(flowDraftValidator)
    try {
      const flow = await saveDraft(
        campaign,
        input.graph as FlowGraph,
        input.revision,
        auth.user!.id
      )
      return {
        revision: flow.revision,
        graph: flow.graph,
        matchesCurrentVersion: await draftMatchesCurrentVersion(campaign, flow.graph),
        ...(await checkDraft(campaign, flow.graph)),
      }
    } catch (error) {
      if (error instanceof FlowConflictException) {
        return response.conflict({
          code: error.code,
          revision: error.storedRevision,
          message: error.message,
        })
      }
      throw error
    }
  }
}

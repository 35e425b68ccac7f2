import { Readable } from 'node:stream'
import type { HttpContext } from '@adonisjs/core/http'
import Campaign from '#models/campaign'
import {
  CAMPAIGN_MESSAGES_PER_PAGE,
  campaignMessageFilters,
  campaignMessagesCsv,
  campaignMessagesQuery,
  campaignNodeIds,
  campaignStepFailures,
  deliveryCounts,
  stepFailureNodeIds,
  serializeCampaignMessage,
} from '#services/campaigns/campaign_messages'
import { campaignStepNames } from '#services/campaigns/campaign_steps'
import { recordAudit } from '#events/audit_record'
import { pageParam } from '#services/database/page_numbers'
import { csvReaderFor } from '#services/csv_cells'

/**
 * Delivery tracking of one campaign: every recipient's message with its
 * status and the time of each status, filterable by status and step, for
 * every member, and the same rows as CSV for editors and above. The page
 * and the CSV name each step as the flow editor does, and by its node id
 * only when no version of the flow has it any more.
 */
export default class CampaignMessagesController {
  async index({ params, request, inertia, bouncer, i18n }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaign = await Campaign.findOrFail(params.id)
    const filters = campaignMessageFilters(request.qs())
    const page = pageParam(request.input('page'))
    const [messages, counts, nodeIds, stepFailures, failureNodeIds] = await Promise.all([
      campaignMessagesQuery(campaign.id, filters).paginate(page, CAMPAIGN_MESSAGES_PER_PAGE),
      deliveryCounts(campaign.id),
      campaignNodeIds(campaign.id),
      campaignStepFailures(campaign.id),
      stepFailureNodeIds(campaign.id),
    ])
    const stepNames = await campaignStepNames(
      campaign.tenantId,
      campaign.id,
      [...nodeIds, ...failureNodeIds],
      (key, values) => i18n.t(key, values)
    )
    const nameOf = (nodeId: string | null) => (nodeId ? (stepNames.get(nodeId) ?? nodeId) : null)
    return inertia.render('campaigns/messages', {
      campaign: { id: campaign.id, name: campaign.name, state: campaign.state },
      filters: { status: filters.status ?? '', nodeId: filters.nodeId ?? '' },
      messages: messages.all().map((message) => ({
        ...serializeCampaignMessage(message),
        stepName: nameOf(message.nodeId),
      })),
      pagination: {
        page: messages.currentPage,
        lastPage: messages.lastPage,
        total: messages.total,
      },
      counts,
      stepFailures: stepFailures.map((failure) => ({
        ...failure,
        stepName: nameOf(failure.nodeId),
      })),
      steps: nodeIds.map((nodeId) => ({ nodeId, name: nameOf(nodeId)! })),
      canExport: await bouncer.allows('exportContactData'),
    })
  }

  async export({ params, request, response, bouncer, logger, i18n }: HttpContext) {
    await bouncer.authorize('exportContactData')
    const campaign = await Campaign.findOrFail(params.id)
    const filters = campaignMessageFilters(request.qs())
    await recordAudit('messages.exported', {
      targetType: 'campaign',
      targetId: campaign.id,
      after: { filters },
    })
    logger.info({ campaignId: campaign.id, filters }, 'campaign messages exported')

    const reader = csvReaderFor(i18n)
    const stepNames = await campaignStepNames(
      campaign.tenantId,
      campaign.id,
      await campaignNodeIds(campaign.id),
      reader.t
    )
    const csv = Readable.from(
      campaignMessagesCsv(campaign.tenantId, campaign.id, filters, reader, stepNames)
    )
    csv.on('error', (error) => {
      logger.error({ err: error, campaignId: campaign.id }, 'campaign messages export failed')
    })
    response.header('Content-Type', 'text/csv; charset=utf-8')
    response.attachment(`campaign-${campaign.id}-messages.csv`)
    response.stream(csv)
  }
}

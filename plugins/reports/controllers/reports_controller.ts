import emitter from '@adonisjs/core/services/emitter'
import { campaignStepNames, csvReaderFor, vine, type HttpContext } from '#sdk'
import { findCampaign } from '../services/campaign_lookup.js'
import {
  CAMPAIGN_EXPORTS,
  OVERVIEW_EXPORTS,
  campaignCsv,
  overviewCsv,
} from '../services/report_csv.js'
import {
  campaignFunnel,
  contactFigures,
  failureReasons,
  campaignsOverview,
  perInstance,
  perNode,
  volume,
} from '../services/report_queries.js'
import { reportsPlugin } from '../services/plugin_context.js'
import { tenantTimeZone } from '../services/tenant_zones.js'

const campaignExportValidator = vine.compile(vine.object({ report: vine.enum(CAMPAIGN_EXPORTS) }))
const overviewExportValidator = vine.compile(vine.object({ report: vine.enum(OVERVIEW_EXPORTS) }))

/** Records the export in the audit log (when the tenant has the audit plugin) and sends the file. */
async function sendCsv(
  ctx: HttpContext,
  name: string,
  body: string,
  target: { report: string; campaignId: number | null }
) {
  await emitter.emit('audit:record', {
    tenantId: ctx.tenant.id,
    occurredAt: new Date().toISOString(),
    action: 'report.exported',
    actorId: ctx.auth.user?.id ?? null,
    targetType: target.campaignId === null ? null : 'campaign',
    targetId: target.campaignId,
    ipAddress: ctx.request.ip(),
    before: null,
    after: { report: target.report },
  })
  ctx.response.header('Content-Type', 'text/csv; charset=utf-8')
  ctx.response.header(
    'Content-Disposition',
    `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`
  )
  return body
}

/**
 * The reports, for every member from viewer up: across campaigns, one
 * campaign, the per-node counts the flow editor reads, and CSV exports.
 * Figures come from the stored counters, never from the messages table.
 */
export default class ReportsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize('viewTenant')
    const tenantId = ctx.tenant.id
    const [overview, hourly, daily, instances, timeZone] = await Promise.all([
      campaignsOverview(tenantId),
      volume({ tenantId }, 'hour'),
      volume({ tenantId }, 'day'),
      perInstance({ tenantId }),
      tenantTimeZone(tenantId),
    ])
    return reportsPlugin().render(ctx, 'campaigns', {
      ...overview,
      hourly,
      daily,
      instances,
      timeZone,
    })
  }

  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize('viewTenant')
    const tenantId = ctx.tenant.id
    const campaign = await findCampaign(tenantId, Number(ctx.params.id))
    const scope = { tenantId, campaignId: campaign.id }
    const [funnel, contacts, hourly, daily, instances, nodes, timeZone] = await Promise.all([
      campaignFunnel(tenantId, campaign.id),
      contactFigures(tenantId, campaign.id),
      volume(scope, 'hour'),
      volume(scope, 'day'),
      perInstance(scope),
      perNode(tenantId, campaign.id),
      tenantTimeZone(tenantId),
    ])
    const failures = await failureReasons(tenantId, campaign.id, funnel.failed)
    const stepNames = await campaignStepNames(
      tenantId,
      campaign.id,
      campaign.nodes.map((node) => node.id),
      (key, values) => ctx.i18n.t(key, values)
    )
    return reportsPlugin().render(ctx, 'campaign', {
      campaign,
      funnel,
      failures,
      contacts,
      hourly,
      daily,
      instances,
      nodes,
      stepNames: Object.fromEntries(stepNames),
      timeZone,
    })
  }

  /** Per-node counts of a campaign as JSON, keyed by node id, for the flow editor's canvas. */
  async nodes(ctx: HttpContext) {
    await ctx.bouncer.authorize('viewTenant')
    const campaign = await findCampaign(ctx.tenant.id, Number(ctx.params.id))
    return { campaignId: campaign.id, nodes: await perNode(ctx.tenant.id, campaign.id) }
  }

  async exportCampaign(ctx: HttpContext) {
    await ctx.bouncer.authorize('viewTenant')
    const campaign = await findCampaign(ctx.tenant.id, Number(ctx.params.id))
    const { report } = await campaignExportValidator.validate(ctx.request.qs())
    const body = await campaignCsv(csvReaderFor(ctx.i18n), ctx.tenant.id, campaign.id, report)
    ctx.logger.info({ campaignId: campaign.id, report }, 'campaign report exported')
    return sendCsv(ctx, `campaign-${campaign.id}-${report}`, body, {
      report,
      campaignId: campaign.id,
    })
  }

  async exportOverview(ctx: HttpContext) {
    await ctx.bouncer.authorize('viewTenant')
    const { report } = await overviewExportValidator.validate(ctx.request.qs())
    const body = await overviewCsv(csvReaderFor(ctx.i18n), ctx.tenant.id, report)
    ctx.logger.info({ report }, 'campaigns report exported')
    return sendCsv(ctx, `campaigns-${report}`, body, { report, campaignId: null })
  }
}

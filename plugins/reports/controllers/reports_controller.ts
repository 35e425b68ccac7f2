import emitter from '@adonisjs/core/services/emitter'
import { csvReaderFor, Exception, vine, type HttpContext } from '#sdk'
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
import { stepReport } from '../services/step_report.js'
import { tenantTimeZone } from '../services/tenant_zones.js'
import {
  MAX_RANGE_DAYS,
  parseRange,
  rangePresets,
  type ReportRange,
} from '../services/report_range.js'

const campaignExportValidator = vine.compile(vine.object({ report: vine.enum(CAMPAIGN_EXPORTS) }))
const overviewExportValidator = vine.compile(vine.object({ report: vine.enum(OVERVIEW_EXPORTS) }))

/**
 * Reads the report's range of days from the query string, in the tenant's
 * time zone, and the props the page's range form shows: the days as typed,
 * the translated errors by field, and the quick choices.
 */
function readRange(ctx: HttpContext, timeZone: string) {
  const query = ctx.request.qs()
  const parsed = parseRange(query, timeZone)
  const errors = Object.fromEntries(
    Object.entries(parsed.errors ?? {}).map(([field, key]) => [
      field,
      ctx.i18n.t(key, { days: MAX_RANGE_DAYS }),
    ])
  )
  return {
    range: parsed.range,
    props: {
      range: parsed.range ? { from: parsed.range.from, to: parsed.range.to } : null,
      rangeForm: {
        input: { from: String(query.from ?? ''), to: String(query.to ?? '') },
        errors,
        presets: rangePresets(timeZone),
      },
    },
  }
}

/** Reads the range of an export, raising a 422 that names the problem when it is invalid. */
async function exportRange(ctx: HttpContext) {
  const parsed = parseRange(ctx.request.qs(), await tenantTimeZone(ctx.tenant.id))
  if (parsed.errors) {
    const [field, key] = Object.entries(parsed.errors)[0]
    throw new Exception(`${field}: ${ctx.i18n.t(key, { days: MAX_RANGE_DAYS })}`, {
      status: 422,
      code: 'E_INVALID_REPORT_RANGE',
    })
  }
  return parsed.range
}

/** Names an export's file: the report, the range when there is one, and today's date. */
function exportName(name: string, range: ReportRange | null) {
  return range ? `${name}-${range.from}-to-${range.to}` : name
}

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
    const timeZone = await tenantTimeZone(tenantId)
    const { range, props } = readRange(ctx, timeZone)
    const scope = { tenantId, range }
    const [overview, hourly, daily, instances] = await Promise.all([
      campaignsOverview(tenantId, range),
      volume(scope, 'hour'),
      volume(scope, 'day'),
      perInstance(scope),
    ])
    return reportsPlugin().render(ctx, 'campaigns', {
      ...overview,
      hourly,
      daily,
      instances,
      timeZone,
      ...props,
    })
  }

  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize('viewTenant')
    const tenantId = ctx.tenant.id
    const campaign = await findCampaign(tenantId, Number(ctx.params.id))
    const timeZone = await tenantTimeZone(tenantId)
    const { range, props } = readRange(ctx, timeZone)
    const scope = { tenantId, campaignId: campaign.id, range }
    const t = (key: string, values?: Record<string, string | number>) => ctx.i18n.t(key, values)
    const [funnel, contacts, hourly, daily, instances, steps] = await Promise.all([
      campaignFunnel(tenantId, campaign.id, range),
      contactFigures(tenantId, campaign.id, range),
      volume(scope, 'hour'),
      volume(scope, 'day'),
      perInstance(scope),
      stepReport(tenantId, campaign.id, range, t),
    ])
    const failures = await failureReasons(tenantId, campaign.id, funnel.failed, range)
    return reportsPlugin().render(ctx, 'campaign', {
      campaign,
      funnel,
      failures,
      contacts,
      hourly,
      daily,
      instances,
      steps,
      timeZone,
      ...props,
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
    const range = await exportRange(ctx)
    const reader = csvReaderFor(ctx.i18n)
    const body = await campaignCsv(reader, ctx.tenant.id, campaign.id, report, range)
    ctx.logger.info({ campaignId: campaign.id, report }, 'campaign report exported')
    return sendCsv(ctx, exportName(`campaign-${campaign.id}-${report}`, range), body, {
      report,
      campaignId: campaign.id,
    })
  }

  async exportOverview(ctx: HttpContext) {
    await ctx.bouncer.authorize('viewTenant')
    const { report } = await overviewExportValidator.validate(ctx.request.qs())
    const range = await exportRange(ctx)
    const body = await overviewCsv(csvReaderFor(ctx.i18n), ctx.tenant.id, report, range)
    ctx.logger.info({ report }, 'campaigns report exported')
    return sendCsv(ctx, exportName(`campaigns-${report}`, range), body, {
      report,
      campaignId: null,
    })
  }
}

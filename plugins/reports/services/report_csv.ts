import { stringify } from 'csv-stringify/sync'
import { DateTime, csvStringifyOptions, type CsvReader } from '#sdk'
import { hourStart, type Period } from './bucket_keys.js'
import { tenantTimeZone } from './tenant_zones.js'
import {
  campaignFunnel,
  campaignsOverview,
  failureReasons,
  perInstance,
  volume,
  type FailureReason,
  type ReportScope,
} from './report_queries.js'
import { COUNTED_STAGES } from './stages.js'
import { stepReport } from './step_report.js'
import type { ReportRange } from './report_range.js'

/** Reports of one campaign that export as CSV. */
export const CAMPAIGN_EXPORTS = [
  'funnel',
  'failures',
  'hourly',
  'daily',
  'instances',
  'nodes',
] as const
/** Reports across campaigns that export as CSV. */
export const OVERVIEW_EXPORTS = ['campaigns', 'hourly', 'daily', 'instances'] as const

export type CampaignExport = (typeof CAMPAIGN_EXPORTS)[number]
export type OverviewExport = (typeof OVERVIEW_EXPORTS)[number]

const FUNNEL_COLUMNS = ['enrolled', ...COUNTED_STAGES] as const

/**
 * Writes rows as CSV the way the reader's spreadsheet opens them: a byte
 * order mark, the reader's separator, and names that would run as a
 * formula defused. Counts stay numbers.
 */
function toCsv(
  reader: CsvReader,
  columns: readonly (string | { key: string; header: string })[],
  rows: Record<string, unknown>[]
) {
  return stringify(rows, {
    ...csvStringifyOptions(reader.separator),
    header: true,
    columns: [...columns],
  })
}

/** Columns of the message stages, headed in the reader's language. */
function stageColumns(reader: CsvReader, stages: readonly string[]) {
  return stages.map((stage) => ({ key: stage, header: reader.t(`reports.stages.${stage}`) }))
}

/** Returns how many buckets a volume export of `range` contains: all of its days, or all of its hours and two partial ones. */
function exportLimit(range: ReportRange | null | undefined, period: Period) {
  if (!range) {
    return undefined
  }
  const days = (range.end.getTime() - range.start.getTime()) / 86_400_000
  return period === 'day' ? Math.round(days) : Math.ceil(days * 24) + 2
}

async function volumeCsv(reader: CsvReader, scope: ReportScope, period: Period) {
  const rows = await volume(scope, period, exportLimit(scope.range, period))
  if (period === 'day') {
    return toCsv(
      reader,
      [
        { key: 'day', header: reader.t('reports.csv_columns.day') },
        ...stageColumns(reader, COUNTED_STAGES),
      ],
      rows.map(({ bucket, ...counts }) => ({ day: bucket, ...counts }))
    )
  }
  // Hours are stored in UTC. The workspace's own hour sits beside it, with its offset, as the chart shows it.
  const zone = await tenantTimeZone(scope.tenantId)
  return toCsv(
    reader,
    [
      { key: 'hour_start_utc', header: reader.t('reports.csv_columns.hour_start_utc') },
      {
        key: 'hour_start_local',
        header: reader.t('reports.csv_columns.hour_start_local', { zone }),
      },
      ...stageColumns(reader, COUNTED_STAGES),
    ],
    rows.map(({ bucket, ...counts }) => {
      const start = hourStart(bucket)
      const local = DateTime.fromISO(start, { zone: 'utc' }).setZone(zone)
      return {
        hour_start_utc: start,
        hour_start_local: local.toISO({ suppressMilliseconds: true }),
        ...counts,
      }
    })
  )
}

async function instancesCsv(reader: CsvReader, scope: ReportScope) {
  const rows = await perInstance(scope)
  return toCsv(
    reader,
    [
      { key: 'instance_id', header: reader.t('reports.csv_columns.instance_id') },
      { key: 'instance', header: reader.t('reports.instance') },
      ...stageColumns(reader, COUNTED_STAGES),
    ],
    rows.map(({ instanceId, name, ...counts }) => ({
      instance_id: instanceId,
      instance: name ?? '',
      ...counts,
    }))
  )
}

/**
 * CSV of the per-step counts, for a reader who never saw the flow's node
 * ids: the rows of the page's table (see `stepReport`), in flow order and
 * under the step names the flow editor shows. After the message stages,
 * the journeys waiting and those that reached a goal at the step, one
 * column per exit label counts the journeys that left the step through it.
 * A step without such an exit leaves the cell empty. Headers are in the
 * reader's language.
 */
async function nodesCsv(reader: CsvReader, scope: Required<ReportScope>) {
  const { tenantId, campaignId, range } = scope
  const steps = await stepReport(tenantId, campaignId, range, reader.t)
  const wholeRun = (header: string) => (range ? unfiltered(reader, header) : header)
  const exits = new Map<string, string>()
  const rows = steps.map(({ id, name, exits: stepExits, ...counts }) => {
    const row: Record<string, unknown> = { step: name, ...counts }
    for (const exit of stepExits) {
      const key = `exit:${exit.label}`
      exits.set(key, wholeRun(reader.t('reports.left_by', { port: exit.label })))
      row[key] = Number(row[key] ?? 0) + exit.journeys
    }
    return row
  })
  const columns = [
    { key: 'step', header: reader.t('reports.node') },
    ...stageColumns(reader, COUNTED_STAGES),
    { key: 'waiting', header: wholeRun(reader.t('reports.waiting')) },
    { key: 'goals', header: wholeRun(reader.t('reports.goals')) },
    ...[...exits].map(([key, header]) => ({ key, header })),
  ]
  return toCsv(reader, columns, rows)
}

/** Describes a failure code in the reader's language, or names the code when no text describes it. */
function failureText(reader: CsvReader, reason: FailureReason) {
  if (reason.code === null) {
    return reader.t('reports.failure_unrecorded')
  }
  return reason.explained
    ? reader.t(`reports.failure_reasons.${reason.code}`)
    : reader.t('reports.failure_other', { code: reason.code })
}

/** Marks a column's header as counted over the whole run, whatever the range asked for. */
function unfiltered(reader: CsvReader, header: string) {
  return `${header} (${reader.t('reports.not_filtered')})`
}

/** CSV of a campaign's failures by reason in the scope's range: the code, its description and the count. */
async function failuresCsv(reader: CsvReader, scope: Required<ReportScope>) {
  const { tenantId, campaignId, range } = scope
  const funnel = await campaignFunnel(tenantId, campaignId, range)
  const reasons = await failureReasons(tenantId, campaignId, funnel.failed, range)
  return toCsv(
    reader,
    [
      { key: 'code', header: reader.t('reports.csv_columns.failure_code') },
      { key: 'reason', header: reader.t('reports.failure_reason') },
      { key: 'failed', header: reader.t('reports.stages.failed') },
    ],
    reasons.map((reason) => ({
      code: reason.code ?? '',
      reason: failureText(reader, reason),
      failed: reason.failed,
    }))
  )
}

/**
 * CSV of one report of a campaign in `range` (the whole run when `null`),
 * with one header row, in the reader's language.
 */
export async function campaignCsv(
  reader: CsvReader,
  tenantId: number,
  campaignId: number,
  report: CampaignExport,
  range: ReportRange | null = null
) {
  const scope = { tenantId, campaignId, range }
  switch (report) {
    case 'funnel': {
      const funnel = await campaignFunnel(tenantId, campaignId, range)
      return toCsv(
        reader,
        [
          { key: 'stage', header: reader.t('reports.stage') },
          { key: 'count', header: reader.t('reports.count') },
        ],
        FUNNEL_COLUMNS.map((stage) => ({
          stage:
            range && stage === 'enrolled'
              ? unfiltered(reader, reader.t(`reports.stages.${stage}`))
              : reader.t(`reports.stages.${stage}`),
          count: funnel[stage],
        }))
      )
    }
    case 'failures':
      return failuresCsv(reader, scope)
    case 'hourly':
      return volumeCsv(reader, scope, 'hour')
    case 'daily':
      return volumeCsv(reader, scope, 'day')
    case 'instances':
      return instancesCsv(reader, scope)
    case 'nodes':
      return nodesCsv(reader, scope)
  }
}

/** CSV of one report across the tenant's campaigns in `range` (all time when `null`). */
export async function overviewCsv(
  reader: CsvReader,
  tenantId: number,
  report: OverviewExport,
  range: ReportRange | null = null
) {
  const scope = { tenantId, range }
  switch (report) {
    case 'campaigns': {
      const { campaigns } = await campaignsOverview(tenantId, range)
      const [enrolled, ...stages] = stageColumns(reader, FUNNEL_COLUMNS)
      return toCsv(
        reader,
        [
          { key: 'campaign_id', header: reader.t('reports.csv_columns.campaign_id') },
          { key: 'campaign', header: reader.t('reports.campaign') },
          { key: 'state', header: reader.t('reports.state') },
          range ? { ...enrolled, header: unfiltered(reader, enrolled.header) } : enrolled,
          ...stages,
        ],
        campaigns.map((campaign) => ({
          campaign_id: campaign.id,
          campaign: campaign.name,
          state: reader.t(`campaigns.states.${campaign.state}`),
          ...campaign.funnel,
        }))
      )
    }
    case 'hourly':
      return volumeCsv(reader, scope, 'hour')
    case 'daily':
      return volumeCsv(reader, scope, 'day')
    case 'instances':
      return instancesCsv(reader, scope)
  }
}

import { stringify } from 'csv-stringify/sync'
import { hourStart, type Period } from './bucket_keys.js'
import {
  campaignFunnel,
  campaignsOverview,
  perInstance,
  perNode,
  volume,
  type ReportScope,
} from './report_queries.js'
import { COUNTED_STAGES } from './stages.js'

/** Reports of one campaign that export as CSV. */
export const CAMPAIGN_EXPORTS = ['funnel', 'hourly', 'daily', 'instances', 'nodes'] as const
/** Reports across campaigns that export as CSV. */
export const OVERVIEW_EXPORTS = ['campaigns', 'hourly', 'daily', 'instances'] as const

export type CampaignExport = (typeof CAMPAIGN_EXPORTS)[number]
export type OverviewExport = (typeof OVERVIEW_EXPORTS)[number]

const FUNNEL_COLUMNS = ['enrolled', ...COUNTED_STAGES] as const

/**
 * CSV options for user text such as campaign and instance names. A cell
 * that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a
 * leading `'`, so a spreadsheet does not run it as a formula. A `;` is
 * quoted for spreadsheets that split on it. Counts stay numbers.
 */
const CSV_CELLS = { escape_formulas: true, quoted_match: /;/ } as const

function toCsv(columns: readonly string[], rows: Record<string, unknown>[]) {
  return stringify(rows, { ...CSV_CELLS, header: true, columns: [...columns] })
}

async function volumeCsv(scope: ReportScope, period: Period) {
  const rows = await volume(scope, period)
  const timeColumn = period === 'hour' ? 'hour_start_utc' : 'day'
  return toCsv(
    [timeColumn, ...COUNTED_STAGES],
    rows.map(({ bucket, ...counts }) => ({
      [timeColumn]: period === 'hour' ? hourStart(bucket) : bucket,
      ...counts,
    }))
  )
}

async function instancesCsv(scope: ReportScope) {
  const rows = await perInstance(scope)
  return toCsv(
    ['instance_id', 'instance', ...COUNTED_STAGES],
    rows.map(({ instanceId, name, ...counts }) => ({
      instance_id: instanceId,
      instance: name ?? '',
      ...counts,
    }))
  )
}

/** CSV of one report of a campaign, one header row and English column names. */
export async function campaignCsv(tenantId: number, campaignId: number, report: CampaignExport) {
  const scope = { tenantId, campaignId }
  switch (report) {
    case 'funnel': {
      const funnel = await campaignFunnel(tenantId, campaignId)
      return toCsv(
        ['stage', 'count'],
        FUNNEL_COLUMNS.map((stage) => ({ stage, count: funnel[stage] }))
      )
    }
    case 'hourly':
      return volumeCsv(scope, 'hour')
    case 'daily':
      return volumeCsv(scope, 'day')
    case 'instances':
      return instancesCsv(scope)
    case 'nodes': {
      const nodes = await perNode(tenantId, campaignId)
      return toCsv(
        ['node_id', ...COUNTED_STAGES, 'waiting', 'ports'],
        Object.entries(nodes).map(([nodeId, { ports, ...counts }]) => ({
          node_id: nodeId,
          ...counts,
          ports: JSON.stringify(ports),
        }))
      )
    }
  }
}

/** CSV of one report across the tenant's campaigns. */
export async function overviewCsv(tenantId: number, report: OverviewExport) {
  const scope = { tenantId }
  switch (report) {
    case 'campaigns': {
      const { campaigns } = await campaignsOverview(tenantId)
      return toCsv(
        ['campaign_id', 'campaign', 'state', ...FUNNEL_COLUMNS],
        campaigns.map((campaign) => ({
          campaign_id: campaign.id,
          campaign: campaign.name,
          state: campaign.state,
          ...campaign.funnel,
        }))
      )
    }
    case 'hourly':
      return volumeCsv(scope, 'hour')
    case 'daily':
      return volumeCsv(scope, 'day')
    case 'instances':
      return instancesCsv(scope)
  }
}

import { db, sqlTime } from '#sdk'
import { bucketRange, type Period } from './bucket_keys.js'
import type { ReportRange } from './report_range.js'
import { COUNTED_STAGES, EXPLAINED_FAILURES, type CountedStage } from './stages.js'

export type StageCounts = Record<CountedStage, number>

/** The funnel of one campaign or of several: journeys enrolled, then message stages. */
export interface Funnel extends StageCounts {
  enrolled: number
}

/** Latest buckets a volume report shows: three days of hours, about three months of days. */
export const VOLUME_LIMITS: Record<Period, number> = { hour: 72, day: 90 }

/** The buckets a report reads: the tenant's, narrowed to one campaign and to a range of days when given. */
export interface ReportScope {
  tenantId: number
  campaignId?: number
  range?: ReportRange | null
}

function emptyCounts(): StageCounts {
  return Object.fromEntries(COUNTED_STAGES.map((stage) => [stage, 0])) as StageCounts
}

function toCounts(row: Record<string, unknown> | undefined): StageCounts {
  const counts = emptyCounts()
  for (const stage of COUNTED_STAGES) {
    counts[stage] = Number(row?.[stage] ?? 0)
  }
  return counts
}

/** Day buckets of the scope with the sum of every stage selected; group it as needed. */
export function summedDays(scope: ReportScope) {
  const query = db.from('reports_buckets').where('tenant_id', scope.tenantId).where('period', 'day')
  if (scope.campaignId !== undefined) {
    query.where('campaign_id', scope.campaignId)
  }
  if (scope.range) {
    query.whereBetween('bucket', [scope.range.from, scope.range.to])
  }
  for (const stage of COUNTED_STAGES) {
    query.sum({ [stage]: stage })
  }
  return query
}

/**
 * Sums the funnel of one campaign: `enrolled` from the engine's stored run,
 * stages from the buckets of `range`. The run keeps no enrolment times, so
 * `enrolled` is always the whole run's.
 */
export async function campaignFunnel(
  tenantId: number,
  campaignId: number,
  range: ReportRange | null = null
): Promise<Funnel> {
  const [row, run] = await Promise.all([
    summedDays({ tenantId, campaignId, range }).first(),
    db
      .from('campaign_runs')
      .where('tenant_id', tenantId)
      .where('campaign_id', campaignId)
      .select('enrolled')
      .first(),
  ])
  return { enrolled: Number(run?.enrolled ?? 0), ...toCounts(row) }
}

/**
 * Lists every campaign of the tenant, newest first, with its funnel in
 * `range`, and sums the funnel of them all. `enrolled` is the whole run's.
 */
export async function campaignsOverview(tenantId: number, range: ReportRange | null = null) {
  const [campaigns, sums, runs] = await Promise.all([
    db
      .from('campaigns')
      .where('tenant_id', tenantId)
      .orderBy('id', 'desc')
      .select('id', 'name', 'state'),
    summedDays({ tenantId, range })
      .where('campaign_id', '>', 0)
      .groupBy('campaign_id')
      .select('campaign_id'),
    db.from('campaign_runs').where('tenant_id', tenantId).select('campaign_id', 'enrolled'),
  ])
  const countsOf = new Map(sums.map((row) => [Number(row.campaign_id), toCounts(row)]))
  const enrolledOf = new Map(runs.map((row) => [Number(row.campaign_id), Number(row.enrolled)]))

  const rows = campaigns.map((campaign) => ({
    id: Number(campaign.id),
    name: String(campaign.name),
    state: String(campaign.state),
    funnel: {
      enrolled: enrolledOf.get(Number(campaign.id)) ?? 0,
      ...(countsOf.get(Number(campaign.id)) ?? emptyCounts()),
    } as Funnel,
  }))
  return { campaigns: rows, total: addFunnels(rows.map((row) => row.funnel)) }
}

function addFunnels(funnels: Funnel[]): Funnel {
  const total: Funnel = { enrolled: 0, ...emptyCounts() }
  for (const funnel of funnels) {
    for (const key of Object.keys(total) as (keyof Funnel)[]) {
      total[key] += funnel[key]
    }
  }
  return total
}

/** First and last bucket keys of `range` in `period`, up to now for the last. */
function rangeKeys(range: ReportRange, period: Period) {
  return period === 'hour'
    ? { first: range.firstHour, last: range.lastHour, shownLast: range.chartLastHour }
    : { first: range.from, last: range.to, shownLast: range.chartTo }
}

/**
 * Counts per hour (keys `yyyy-MM-ddTHH`, UTC) or per day (`yyyy-MM-dd` in the
 * tenant's time zone), with empty buckets as zeros, at most the latest
 * `limit` buckets. Without a range they run from the first to the last
 * bucket with counts. With one they run over the range up to now, and the
 * hours are the UTC hours that overlap the range's days.
 */
export async function volume(scope: ReportScope, period: Period, limit = VOLUME_LIMITS[period]) {
  const keys = scope.range ? rangeKeys(scope.range, period) : null
  const rows = await volumeQuery(scope, period, limit)
  if (rows.length === 0 && !keys) {
    return []
  }

  const countsOf = new Map(rows.map((row) => [String(row.bucket), toCounts(row)]))
  const first = keys ? keys.first : String(rows[rows.length - 1].bucket)
  const last = keys ? maxKey(keys.shownLast, rows[0]?.bucket) : String(rows[0].bucket)
  return bucketRange(period, first, last, limit).map((bucket) => ({
    bucket,
    ...(countsOf.get(bucket) ?? emptyCounts()),
  }))
}

/** Builds the query of the latest `limit` buckets of the scope in `period` with their sums, latest first. */
export function volumeQuery(scope: ReportScope, period: Period, limit: number) {
  const keys = scope.range ? rangeKeys(scope.range, period) : null
  const query = db
    .from('reports_buckets')
    .where('tenant_id', scope.tenantId)
    .where('period', period)
    .groupBy('bucket')
    .orderBy('bucket', 'desc')
    .limit(limit)
    .select('bucket')
  if (scope.campaignId !== undefined) {
    query.where('campaign_id', scope.campaignId)
  }
  if (keys) {
    query.whereBetween('bucket', [keys.first, keys.last])
  }
  for (const stage of COUNTED_STAGES) {
    query.sum({ [stage]: stage })
  }
  return query
}

/** Returns the later of a key and the latest counted bucket, which a clock behind the counter's may put after now. */
function maxKey(key: string, counted: unknown) {
  return typeof counted === 'string' && counted > key ? counted : key
}

/** Counts per channel instance, with the instance's name (`null` once it was deleted). */
export async function perInstance(scope: ReportScope) {
  const rows = await summedDays(scope).groupBy('instance_id').select('instance_id')
  const ids = rows.map((row) => Number(row.instance_id))
  const names = await db
    .from('channel_instances')
    .where('tenant_id', scope.tenantId)
    .whereIn('id', ids.length ? ids : [0])
    .select('id', 'name')
  const nameOf = new Map(names.map((row) => [Number(row.id), String(row.name)]))

  return rows
    .map((row) => ({
      instanceId: Number(row.instance_id),
      name: nameOf.get(Number(row.instance_id)) ?? null,
      ...toCounts(row),
    }))
    .sort((a, b) => b.sent - a.sent || a.instanceId - b.instanceId)
}

/**
 * Counts per flow node of a campaign: message stages from the buckets of
 * `range`, and the journeys waiting at the node and the ones that left by
 * each port from the engine's stored node counters. Those counters keep no
 * times, so they are always the whole run's.
 */
export async function perNode(
  tenantId: number,
  campaignId: number,
  range: ReportRange | null = null
) {
  const [rows, engine] = await Promise.all([
    summedDays({ tenantId, campaignId, range })
      .where('node_id', '!=', '')
      .groupBy('node_id')
      .select('node_id'),
    db
      .from('campaign_node_counters')
      .where('tenant_id', tenantId)
      .where('campaign_id', campaignId)
      .select('node_id', 'waiting', 'ports', 'goals'),
  ])
  const nodes = new Map<string, NodeCounts>()
  for (const row of rows) {
    nodes.set(String(row.node_id), { ...toCounts(row), waiting: 0, goals: 0, ports: {} })
  }
  for (const row of engine) {
    const node = nodes.get(String(row.node_id)) ?? {
      ...emptyCounts(),
      waiting: 0,
      goals: 0,
      ports: {},
    }
    node.waiting = Number(row.waiting)
    node.goals = Number(row.goals)
    node.ports = parsePorts(row.ports)
    nodes.set(String(row.node_id), node)
  }
  return Object.fromEntries([...nodes.entries()].sort(([a], [b]) => a.localeCompare(b)))
}

/** Returns the counts of a node where nothing happened yet. */
export function emptyNodeCounts(): NodeCounts {
  return { ...emptyCounts(), waiting: 0, goals: 0, ports: {} }
}

export interface NodeCounts extends StageCounts {
  /** Journeys held at the node now. */
  waiting: number
  /** Journeys that ended at the node with the reason `goal`, such as at a goal node. */
  goals: number
  /** Journeys that left the node, by port id. */
  ports: Record<string, number>
}

function parsePorts(value: unknown): Record<string, number> {
  if (typeof value !== 'string' || value === '') {
    return {}
  }
  return JSON.parse(value) as Record<string, number>
}

/** Failed campaign messages and send steps of one failure code. */
export interface FailureReason {
  /** The failure code, or `null` for failures whose code or day the reports did not keep. */
  code: string | null
  /** Whether `reports.failure_reasons` describes the code. */
  explained: boolean
  failed: number
}

/**
 * Counts a campaign's failures in `range` (the whole run when `null`) by
 * failure code, most first. `failedTotal` is the funnel's `failed` count
 * over the same days. It also contains failures whose code or day the
 * reports did not keep, so the part of `failedTotal` no code covers is a
 * row with `code` `null`, and the rows add up to the funnel. The one
 * exception is a day that `rebuildFailureDays` moved, as its NOTE explains.
 */
export async function failureReasons(
  tenantId: number,
  campaignId: number,
  failedTotal: number,
  range: ReportRange | null = null
): Promise<FailureReason[]> {
  const query = db
    .from('reports_failures')
    .where('tenant_id', tenantId)
    .where('campaign_id', campaignId)
    .where('failed', '>', 0)
    .groupBy('code')
    .select('code')
    .sum('failed as failed')
  if (range) {
    query.whereBetween('day', [range.from, range.to])
  }
  const rows = await query
  const reasons: FailureReason[] = rows.map((row) => ({
    code: String(row.code),
    explained: EXPLAINED_FAILURES.includes(String(row.code)),
    failed: Number(row.failed),
  }))
  const unrecorded = failedTotal - reasons.reduce((sum, reason) => sum + reason.failed, 0)
  if (unrecorded > 0) {
    reasons.push({ code: null, explained: false, failed: unrecorded })
  }
  return reasons.sort((a, b) => b.failed - a.failed || (a.code ?? '~').localeCompare(b.code ?? '~'))
}

/** Contacts of one campaign: the ones reached by a sent message, and how many of them replied or opted out. */
export interface ContactFigures {
  reached: number
  replied: number
  optedOut: number
}

/**
 * Counts a campaign's contacts, each once however many of its messages
 * they got or replied to. The funnel counts messages, so a contact who
 * replied to two messages is two replies there and one contact here. With
 * a range, only the messages sent in it count, whenever the reply came.
 */
export async function contactFigures(
  tenantId: number,
  campaignId: number,
  range: ReportRange | null = null
): Promise<ContactFigures> {
  const campaignMessages = () => {
    const query = db
      .from('messages')
      .where('messages.tenant_id', tenantId)
      .where('messages.campaign_id', campaignId)
      .where('messages.direction', 'out')
    if (range) {
      query
        .where('messages.sent_at', '>=', sqlTime(range.start))
        .where('messages.sent_at', '<', sqlTime(range.end))
    }
    return query
  }
  const [reached, answered] = await Promise.all([
    campaignMessages().whereNotNull('sent_at').countDistinct('contact_id as total').first(),
    campaignMessages()
      .join('reports_message_marks', 'reports_message_marks.message_id', 'messages.id')
      .select(
        db.raw(
          'count(distinct case when reports_message_marks.replied = 1 then messages.contact_id end) as replied'
        ),
        db.raw(
          'count(distinct case when reports_message_marks.opted_out = 1 then messages.contact_id end) as opted_out'
        )
      )
      .first(),
  ])
  return {
    reached: Number(reached?.total ?? 0),
    replied: Number(answered?.replied ?? 0),
    optedOut: Number(answered?.opted_out ?? 0),
  }
}

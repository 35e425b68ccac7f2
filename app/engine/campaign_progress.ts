import db from '@adonisjs/lucid/services/db'
import { CAMPAIGN_CANCELLED_CODE } from '#sdk'
import type { DateTime } from 'luxon'
import { inRetriedTransaction } from '#plugins/sdk/transactions'
import logger from '@adonisjs/core/services/logger'
import transmit from '@adonisjs/transmit/services/main'
import { getQueue } from '#queues/queue_factory'
import Campaign, { type CampaignState } from '#models/campaign'
import {
  campaignProgressChannel,
  type CampaignProgressPayload,
  type CampaignHold,
  type CampaignProgressRates,
  type NodeProgress,
} from '#flow/progress'
import { sqlTime } from '#services/channels/sql_time'
import { fromSqlTime } from '#plugins/sdk/sql_time'
import { PROGRESS_QUEUE } from '#engine/engine_queues'
import { computeRates } from '#engine/progress_rates'
import { engineNow } from '#engine/clock'
import { heldSends } from '#engine/quiet_holds'
import { stepFailureCounts } from '#engine/step_failures'
import { offlineNumbers } from '#services/campaigns/campaign_numbers'

/** The end reason of a journey that reached a goal, counted per node (`NodeProgress.goals`). */
export const GOAL_REASON = 'goal'

/**
 * Shortest time between two progress publications of one campaign, in
 * milliseconds: at most two a second.
 */
export const PROGRESS_INTERVAL_MS = 500

/**
 * Largest share of a process's time that one campaign's progress
 * publications may take. The counts read every journey and message of
 * the campaign. For a campaign of a million contacts a publication takes
 * a large part of a second, so two a second would keep the database busy
 * with little else.
 */
const MAX_PUBLICATION_SHARE = 0.1

/** Campaigns whose publication cost this process remembers, at most. */
const REMEMBERED_COSTS = 1000

/** How long the last publication of each campaign took in this process, in milliseconds. */
const publicationCosts = new Map<number, number>()

/** Records how long a publication of the campaign's progress took, in milliseconds. */
export function recordPublicationCost(campaignId: number, ms: number) {
  publicationCosts.delete(campaignId)
  publicationCosts.set(campaignId, ms)
  if (publicationCosts.size > REMEMBERED_COSTS) {
    publicationCosts.delete(publicationCosts.keys().next().value!)
  }
}

/**
 * Returns the time between two publications of the campaign's progress,
 * in milliseconds: PROGRESS_INTERVAL_MS, or more when the last one took
 * more than MAX_PUBLICATION_SHARE of it. It is a multiple of
 * PROGRESS_INTERVAL_MS, so a small change of cost keeps the same intervals.
 */
export function progressSpacing(campaignId: number) {
  const cost = publicationCosts.get(campaignId) ?? 0
  const intervals = Math.ceil(cost / MAX_PUBLICATION_SHARE / PROGRESS_INTERVAL_MS)
  return Math.max(1, intervals) * PROGRESS_INTERVAL_MS
}

/**
 * The last interval this process requested per campaign: the job of an
 * interval is added once, not once per journey change in it.
 */
const requestedIntervals = new Map<number, string>()

/**
 * Asks for the campaign's progress to be computed, stored and broadcast
 * within its spacing (see `progressSpacing`). Requests of one interval
 * share one job, by its job id, and that job runs after the interval
 * ends, so it reads every change requested in it. A fixed id per campaign
 * would lose the request that arrives while the previous job runs (BullMQ
 * ignores an id that is still active), and the stored figures would stay
 * behind. Failures are logged: progress is refreshed by the next request.
 */
export function requestProgress(tenantId: number, campaignId: number) {
  // NOTE: jobs of consecutive intervals run one spacing apart, at least ten times the last
  // publication's cost. A publication far slower than the one before could still store its
  // older figures after the newer ones.
  const spacing = progressSpacing(campaignId)
  const interval = `${spacing}-${Math.floor(Date.now() / spacing)}`
  if (requestedIntervals.get(campaignId) === interval) {
    return
  }
  requestedIntervals.set(campaignId, interval)
  getQueue(PROGRESS_QUEUE)
    .add(
      'publish',
      { tenantId, campaignId },
      {
        jobId: `progress-${campaignId}-${interval}`,
        delay: spacing,
        removeOnComplete: true,
        removeOnFail: true,
      }
    )
    .catch((error) => {
      requestedIntervals.delete(campaignId)
      logger.warn({ err: error, campaignId }, 'progress request failed')
    })
}

function sumOf(counts: Map<string, number>) {
  return [...counts.values()].reduce((sum, value) => sum + value, 0)
}

async function countBy(query: any, column: string) {
  const rows = await query.select(column).count('* as total').groupBy(column)
  return new Map<string, number>(rows.map((row: any) => [String(row[column]), Number(row.total)]))
}

/**
 * Computes the campaign's counts from its journeys, steps, messages and
 * step failures (sends that failed before their message existed), and
 * its quiet-hours hold at `now` (the engine clock when left out). Rates are
 * measured when the progress is published (`publishProgress`).
 */
export async function computeProgress(
  campaign: { id: number; tenantId: number },
  now?: DateTime
): Promise<CampaignProgressPayload> {
  const campaignId = campaign.id
  const states = await countBy(db.from('journeys').where('campaign_id', campaignId), 'state')
  const { statuses, cancelled } = await countStatuses(campaign.tenantId, campaignId)
  const waiting = await db
    .from('journeys')
    .where('campaign_id', campaignId)
    .whereIn('state', ['waiting', 'awaiting_reply'])
    .select('node_id')
    .count('* as total')
    .groupBy('node_id')
  const ports = await db
    .from('journey_steps')
    .where('campaign_id', campaignId)
    .whereNotNull('port')
    .select('node_id', 'port')
    .count('* as total')
    .groupBy('node_id', 'port')

  const goals = await db
    .from('journeys')
    .where('campaign_id', campaignId)
    .where('state', 'ended')
    .where('end_reason', GOAL_REASON)
    .select('node_id')
    .count('* as total')
    .groupBy('node_id')

  const held = await heldJourneys(campaignId, now ?? (await engineNow()))
  const stepFailures = await stepFailureCounts(campaignId)

  const nodes: Record<string, NodeProgress> = {}
  const nodeOf = (id: string) => (nodes[id] ??= { waiting: 0, ports: {} })
  for (const row of waiting) nodeOf(row.node_id).waiting = Number(row.total)
  for (const row of ports) nodeOf(row.node_id).ports[row.port] = Number(row.total)
  for (const row of goals) nodeOf(row.node_id).goals = Number(row.total)

  const enrolled = sumOf(states)
  const completed = states.get('ended') ?? 0
  const sent = ['sent', 'delivered', 'read'].reduce(
    (sum, status) => sum + (statuses.get(status) ?? 0),
    0
  )
  return {
    nodes,
    totals: {
      enrolled,
      active: enrolled - completed,
      completed,
      sent,
      failed: (statuses.get('failed') ?? 0) - cancelled + sumOf(stepFailures),
      cancelled,
    },
    held,
  }
}

/**
 * Counts the campaign's outbound messages by status, and the failed ones
 * that its cancel stopped before their send. One query reads both, so a
 * send stopped in between cannot count as cancelled but not as failed.
 */
async function countStatuses(tenantId: number, campaignId: number) {
  const rows = await db
    .from('messages')
    // The tenant leads the messages' campaign index. Without it the count reads the whole table.
    .where('tenant_id', tenantId)
    .where('campaign_id', campaignId)
    .where('direction', 'out')
    .select('status')
    .count('* as total')
    .select(
      db.raw('sum(case when failure_code = ? then 1 else 0 end) as cancelled', [
        CAMPAIGN_CANCELLED_CODE,
      ])
    )
    .groupBy('status')
  const statuses = new Map<string, number>(rows.map((row) => [row.status, Number(row.total)]))
  const cancelled = rows.reduce((sum, row) => sum + Number(row.cancelled ?? 0), 0)
  return { statuses, cancelled }
}

/**
 * Counts the journeys that wait for the quiet hours to end: those deferred
 * at a send step, which wait with no port to follow (a wait node's
 * decision always names its port), and those whose send the send gate
 * holds (see `recordHeldSend`).
 */
async function heldJourneys(campaignId: number, now: DateTime): Promise<CampaignHold> {
  const [row] = await db
    .from('journeys')
    .where('campaign_id', campaignId)
    .where('state', 'waiting')
    .whereNull('pending_port')
    .count('* as total')
    .min('resume_at as until')
  const deferred = Number(row.total)
  const sends = await heldSends(campaignId, now)
  const instants = [
    deferred > 0 ? fromSqlTime(row.until)?.getTime() : undefined,
    sends.until ?? undefined,
  ].filter((instant): instant is number => instant !== undefined)
  return {
    journeys: deferred + sends.count,
    until: instants.length ? new Date(Math.min(...instants)).toISOString() : null,
  }
}

/**
 * Adds the time until the quiet hours end to the estimated time left when
 * every journey not ended waits for them, since none sends before then.
 */
function waitForHold(
  rates: CampaignProgressRates,
  progress: CampaignProgressPayload,
  now: Date
): CampaignProgressRates {
  const held = progress.held
  if (!held?.until || held.journeys < progress.totals.active || rates.etaSeconds === null) {
    return rates
  }
  const waitSeconds = Math.max(0, Math.round((Date.parse(held.until) - now.getTime()) / 1000))
  return { ...rates, etaSeconds: rates.etaSeconds + waitSeconds }
}

/**
 * Reads the latest time a journey of the campaign is due to move on by
 * itself: the end of a Wait step, a reply timeout or the end of the quiet
 * hours. `null` while no journey waits for a time.
 */
async function latestResume(campaignId: number) {
  const [row] = await db
    .from('journeys')
    .where('campaign_id', campaignId)
    .whereIn('state', ['waiting', 'awaiting_reply'])
    .max('resume_at as until')
  return fromSqlTime(row?.until ?? null)
}

/**
 * Records until when journeys wait (see `latestResume`), and makes the
 * estimated time left reach at least that time, since the campaign is not
 * done before its last waiting journey moves on. A reply can end a wait
 * sooner, so the estimate is an upper bound for those journeys.
 */
function waitForJourneys(
  rates: CampaignProgressRates,
  until: Date | null,
  now: Date
): CampaignProgressRates {
  if (!until || until.getTime() <= now.getTime()) {
    return { ...rates, waitsUntil: null }
  }
  const waitSeconds = Math.round((until.getTime() - now.getTime()) / 1000)
  const etaSeconds = rates.etaSeconds === null ? null : Math.max(rates.etaSeconds, waitSeconds)
  return { ...rates, etaSeconds, waitsUntil: until.toISOString() }
}

/** Reads the campaign's numbers that are not connected; `null` when all are. */
async function offlineOf(campaign: { id: number; channelInstanceIds: number[] }) {
  const offline = await offlineNumbers([campaign])
  return offline.get(campaign.id) ?? null
}

/**
 * Clears the estimated time left while the campaign runs, journeys remain
 * and none of its numbers is connected, since nothing is sent until one
 * reconnects and no estimate of when that happens exists.
 */
function waitForNumbers(
  rates: CampaignProgressRates,
  progress: CampaignProgressPayload,
  state: CampaignState
): CampaignProgressRates {
  if (state !== 'running' || !progress.offline?.all || progress.totals.active === 0) {
    return rates
  }
  return { ...rates, etaSeconds: null }
}

/**
 * Stores the campaign's progress, so a page opened later shows the same
 * figures. One transaction writes the totals and the node counters, so a
 * reader that finds the new totals finds the new counters too.
 */
async function storeProgress(
  tenantId: number,
  campaignId: number,
  progress: CampaignProgressPayload
) {
  const now = sqlTime()
  const figures = {
    ...progress.totals,
    rates: progress.rates ? JSON.stringify(progress.rates) : null,
    held: progress.held?.journeys ?? 0,
    held_until: progress.held?.until ? sqlTime(new Date(progress.held.until)) : null,
    progress_at: now,
  }
  // Rows in one order, node ids sorted, so two publications at once wait instead of deadlocking.
  await inRetriedTransaction(async (trx) => {
    await trx
      .table('campaign_runs')
      .insert({ campaign_id: campaignId, tenant_id: tenantId, ...figures })
      .onConflict('campaign_id')
      .merge(figures)
    const nodeIds = Object.keys(progress.nodes).sort()
    for (const nodeId of nodeIds) {
      const node = progress.nodes[nodeId]
      await trx
        .table('campaign_node_counters')
        .insert({
          tenant_id: tenantId,
          campaign_id: campaignId,
          node_id: nodeId,
          waiting: node.waiting,
          ports: JSON.stringify(node.ports),
          goals: node.goals ?? 0,
        })
        .onConflict(['campaign_id', 'node_id'])
        .merge({ waiting: node.waiting, ports: JSON.stringify(node.ports), goals: node.goals ?? 0 })
    }
    await trx
      .from('campaign_node_counters')
      .where('campaign_id', campaignId)
      .whereNotIn('node_id', nodeIds.length ? nodeIds : [''])
      .update({ waiting: 0 })
  })
}

/** Serializes the counts of a payload in a fixed order, leaving out nodes that have none. */
function countsKey(progress: CampaignProgressPayload) {
  const { enrolled, active, completed, sent, failed, cancelled = 0 } = progress.totals
  const nodes = Object.keys(progress.nodes)
    .sort()
    .map((id) => {
      const node = progress.nodes[id]
      const ports = Object.keys(node.ports)
        .sort()
        .map((port) => [port, node.ports[port]])
      return [id, node.waiting, ports, node.goals ?? 0] as const
    })
    .filter(([, waiting, ports, goals]) => waiting > 0 || ports.length > 0 || goals > 0)
  const held = [progress.held?.journeys ?? 0, progress.held?.until ?? null]
  const offline = (progress.offline?.numbers ?? []).map((number) => number.id)
  return JSON.stringify([
    enrolled,
    active,
    completed,
    sent,
    failed,
    cancelled,
    held,
    nodes,
    offline,
  ])
}

/**
 * Computes the campaign's counts and rates, stores them and broadcasts
 * them. When the counts equal the stored ones, the stored progress stays
 * as it is and nothing is broadcast, so the figures a page reads do not
 * change while the campaign does not move. Runs inside the campaign's
 * tenant scope.
 */
export async function publishProgress(tenantId: number, campaignId: number) {
  // One reading of the engine clock serves the hold, the rates and the wait.
  const now = await engineNow()
  const campaign = await Campaign.find(campaignId)
  const progress = await computeProgress({ id: campaignId, tenantId }, now)
  progress.offline = campaign ? await offlineOf(campaign) : null
  const stored = await storedProgress(campaignId)
  if (stored?.rates && countsKey(stored) === countsKey(progress)) {
    return stored
  }
  if (campaign) {
    const rates = await computeRates(campaign, progress.totals, now)
    const held = waitForHold(rates, progress, now.toJSDate())
    const waited = waitForJourneys(held, await latestResume(campaignId), now.toJSDate())
    progress.rates = waitForNumbers(waited, progress, campaign.state)
  }
  await storeProgress(tenantId, campaignId, progress)
  transmit.broadcast(
    campaignProgressChannel(tenantId, campaignId),
    JSON.parse(JSON.stringify(progress))
  )
  return progress
}

/** Reads the hold that a `campaign_runs` row stored with its progress. */
export function storedHold(run: { held: unknown; held_until: Date | string | null }): CampaignHold {
  const until = fromSqlTime(run.held_until)
  return { journeys: Number(run.held), until: until?.toISOString() ?? null }
}

/**
 * Reads the stored progress of a campaign (see `storedProgress`) with the
 * numbers that are not connected now, and no estimated time left while
 * none is connected. Pages read this one, since a number can disconnect
 * while the campaign's counts do not move and nothing is published.
 */
export async function currentProgress(campaign: {
  id: number
  state: CampaignState
  channelInstanceIds: number[]
}): Promise<CampaignProgressPayload | null> {
  const progress = await storedProgress(campaign.id)
  if (!progress) {
    return null
  }
  progress.offline = await offlineOf(campaign)
  if (progress.rates) {
    progress.rates = waitForNumbers(progress.rates, progress, campaign.state)
  }
  return progress
}

/** The stored progress of a campaign, as last published; `null` before its first publication. */
export async function storedProgress(campaignId: number): Promise<CampaignProgressPayload | null> {
  const run = await db.from('campaign_runs').where('campaign_id', campaignId).first()
  if (!run || run.progress_at === null) {
    return null
  }
  const counters = await db.from('campaign_node_counters').where('campaign_id', campaignId)
  const nodes: Record<string, NodeProgress> = {}
  for (const row of counters) {
    const node: NodeProgress = {
      waiting: Number(row.waiting),
      ports: JSON.parse(row.ports ?? '{}'),
    }
    if (Number(row.goals) > 0) node.goals = Number(row.goals)
    nodes[row.node_id] = node
  }
  const totals = {
    enrolled: Number(run.enrolled),
    active: Number(run.active),
    completed: Number(run.completed),
    sent: Number(run.sent),
    failed: Number(run.failed),
    cancelled: Number(run.cancelled ?? 0),
  }
  const rates: CampaignProgressRates | undefined = run.rates ? JSON.parse(run.rates) : undefined
  const held = storedHold(run)
  return rates ? { nodes, totals, rates, held } : { nodes, totals, held }
}

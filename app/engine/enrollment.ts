import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { Job } from 'bullmq'
import Campaign from '#models/campaign'
import FlowVersion from '#models/flow_version'
import Segment from '#models/segment'
import {
  listAudienceQuery,
  loadSegmentContext,
  segmentQuery,
} from '#services/segments/audience_query'
import { sqlTime } from '#services/channels/sql_time'
import { getQueue } from '#queues/queue_factory'
import { engineNow } from '#engine/clock'
import {
  JOURNEY_JOB_OPTIONS,
  JOURNEY_QUEUE,
  journeyJobId,
  type JourneyJobData,
} from '#engine/engine_queues'
import { requestProgress } from '#engine/campaign_progress'
import { checkFinished } from '#engine/campaign_finish'
import { checkSqliteStatisticsNow } from '#services/database/sqlite_statistics'

/** Contacts inserted as journeys and enqueued per batch. */
export const ENROLLMENT_BATCH = 1000

/**
 * First-step jobs added per `addBulk` call. Adding a job allocates about
 * 11 KB, mostly in BullMQ and ioredis (a sampling heap profile of
 * bench/engine_enrollment.ts), and much of it lives until Redis replies to
 * the pipeline. Smaller pipelines leave less of it for V8 to promote to the
 * old generation, where it stays until the next full collection.
 */
export const FIRST_STEP_CHUNK = 250

export interface EnrollmentJobData {
  tenantId: number
  campaignId: number
  /** Index of the audience source (lists first, then segments) the job is at. */
  source?: number
  /** Highest contact id of that source already enrolled. */
  afterContactId?: number
}

/** The audience sources of a campaign in a fixed order: its lists, then its segments. */
async function audienceSources(campaign: Campaign) {
  const sources = campaign.listIds.map((listId) => () => listAudienceQuery(listId))
  if (campaign.segmentIds.length > 0) {
    const context = await loadSegmentContext()
    const segments = await Segment.query().whereIn('id', campaign.segmentIds).orderBy('id')
    for (const segment of segments) {
      sources.push(() => segmentQuery(segment.rules, context))
    }
  }
  return sources
}

async function markEnrollment(
  campaign: Campaign,
  column: 'enrollment_started_at' | 'enrollment_finished_at'
) {
  const now = sqlTime()
  await db
    .table('campaign_runs')
    .insert({ campaign_id: campaign.id, tenant_id: campaign.tenantId, [column]: now })
    .onConflict('campaign_id')
    .merge({ [column]: now })
}

type AudienceQuery = ReturnType<typeof listAudienceQuery>

/**
 * Finds the highest contact id of the next batch of `source` after
 * `afterId`, or `null` when fewer than ENROLLMENT_BATCH contacts are left in
 * it. It reads one row of the index, so the batch never travels to Node.
 */
async function batchBound(source: AudienceQuery, afterId: number) {
  const row = await source
    .where('contacts.id', '>', afterId)
    .orderBy('contacts.id')
    .offset(ENROLLMENT_BATCH - 1)
    .limit(1)
    .select('contacts.id')
    .first()
  return row ? Number(row.id) : null
}

/**
 * Inserts a journey for every contact of `audience` (already narrowed to
 * one batch) by one `INSERT … SELECT`, so the contacts never travel to
 * Node. A contact already enrolled in the campaign keeps its journey. The
 * number is picked by contact id, spreading the audience over the
 * campaign's instances.
 */
async function insertJourneys(campaign: Campaign, version: FlowVersion, audience: AudienceQuery) {
  const instances = campaign.channelInstanceIds
  const entry = version.plan.entryNodeId
  const now = sqlTime(await engineNow())
  const select = audience.clearSelect().clearOrder().select('contacts.id').toSQL()
  const instanceCase = instances.map(() => 'WHEN ? THEN ?').join(' ')
  const columns = [
    'tenant_id',
    'campaign_id',
    'contact_id',
    'flow_version_id',
    'instance_id',
    'state',
    'node_id',
    'step',
    'visits',
    'held',
    'created_at',
    'updated_at',
  ]
  const values = `?, ?, audience.id, ?, CASE audience.id % ? ${instanceCase} END, ?, ?, 1, ?, 0, ?, ?`
  const mysql = db.connection().dialect.name === 'mysql'
  const sql = [
    mysql ? 'INSERT INTO journeys' : 'INSERT OR IGNORE INTO journeys',
    `(${columns.join(', ')})`,
    `SELECT ${values} FROM (${select.sql}) AS audience`,
    // The WHERE keeps SQLite from reading the trailing clause of an INSERT … SELECT as a join.
    mysql ? 'ON DUPLICATE KEY UPDATE journeys.id = journeys.id' : 'WHERE true',
  ].join(' ')
  const bindings = [
    campaign.tenantId,
    campaign.id,
    version.id,
    instances.length,
    ...instances.flatMap((instanceId, index) => [index, instanceId]),
    'active',
    entry,
    JSON.stringify({ [entry]: 1 }),
    now,
    now,
    ...select.bindings,
  ]
  await db.rawQuery(sql, bindings)
}

/**
 * Builds the first-step jobs of the campaign's journeys for contacts in
 * (`afterId`, `throughId`] that are still at their first step, so a batch
 * run again after a crash enqueues what the first run did not.
 */
async function firstStepJobs(campaign: Campaign, afterId: number, throughId: number | null) {
  const query = db
    .from('journeys')
    .where('campaign_id', campaign.id)
    .where('contact_id', '>', afterId)
    .where('step', 1)
    .where('state', 'active')
    .select('id', 'node_id')
  if (throughId !== null) {
    query.where('contact_id', '<=', throughId)
  }
  const fresh = await query
  return fresh.map((journey) => {
    const data: JourneyJobData = {
      tenantId: campaign.tenantId,
      campaignId: campaign.id,
      journeyId: Number(journey.id),
      step: 1,
      nodeId: journey.node_id,
      phase: 'run',
    }
    return { name: 'run', data, opts: { ...JOURNEY_JOB_OPTIONS, jobId: journeyJobId(data) } }
  })
}

/**
 * Enrolls the contacts of `source` in (`afterId`, `throughId`], or all of
 * them after `afterId` when `throughId` is `null`, and returns the
 * first-step jobs of the journeys still to be queued.
 */
async function enrollBatch(
  campaign: Campaign,
  version: FlowVersion,
  source: () => AudienceQuery,
  afterId: number,
  throughId: number | null
) {
  const audience = source().where('contacts.id', '>', afterId)
  if (throughId !== null) {
    audience.where('contacts.id', '<=', throughId)
  }
  await insertJourneys(campaign, version, audience)
  return firstStepJobs(campaign, afterId, throughId)
}

/**
 * Adds `jobs` to the journeys queue FIRST_STEP_CHUNK at a time, each chunk
 * after the previous one, so only one chunk's BullMQ jobs and Redis
 * commands are alive while Redis runs it.
 */
async function addFirstSteps(jobs: Awaited<ReturnType<typeof firstStepJobs>>) {
  const queue = getQueue(JOURNEY_QUEUE)
  for (let start = 0; start < jobs.length; start += FIRST_STEP_CHUNK) {
    await queue.addBulk(jobs.slice(start, start + FIRST_STEP_CHUNK))
  }
}

/**
 * Enrolls a running campaign's audience into journeys on its current
 * published version, streaming contacts by id in batches so memory stays
 * flat for any audience size. Opted-out contacts are left out by the
 * audience queries; those who opt out after enrollment are ended at their
 * next step. The job stores its position after every batch, so a retried
 * job continues where the failed one stopped.
 */
export async function enrollCampaign(job: Job<EnrollmentJobData>) {
  const { campaignId } = job.data
  const campaign = await Campaign.find(campaignId)
  if (!campaign || !['running', 'paused'].includes(campaign.state) || !campaign.currentVersionId) {
    return { enrolled: false }
  }
  const version = await FlowVersion.findOrFail(campaign.currentVersionId)
  await markEnrollment(campaign, 'enrollment_started_at')

  const sources = await audienceSources(campaign)
  let source = job.data.source ?? 0
  let after = job.data.afterContactId ?? 0
  // The first steps of one batch are added while the next batch is inserted, and the
  // next batch's adds start only after them, so at most one batch's jobs are on their
  // way to Redis. The job's position moves past a batch only once its jobs are added.
  let adding: Promise<unknown> = Promise.resolve()
  let batches = 0
  while (source < sources.length) {
    const bound = await batchBound(sources[source](), after)
    const jobs = await enrollBatch(campaign, version, sources[source], after, bound)
    if (bound === null) {
      source += 1
      after = 0
    } else {
      after = bound
    }
    await adding
    const position = { ...job.data, source, afterContactId: after }
    adding = addFirstSteps(jobs).then(() => job.updateData(position))
    adding.catch(() => undefined)
    requestProgress(campaign.tenantId, campaign.id)
    batches += 1
    if ((batches & (batches - 1)) === 0) {
      // Each doubling of the journeys gives SQLite's planner new figures, so the first
      // steps read their journeys by key instead of walking the workspace's.
      await checkSqliteStatisticsNow(logger)
    }
  }
  await adding
  await checkSqliteStatisticsNow(logger)

  await markEnrollment(campaign, 'enrollment_finished_at')
  logger.info({ tenantId: campaign.tenantId, campaignId }, 'campaign enrollment finished')
  await checkFinished(campaign.tenantId, campaign.id)
  return { enrolled: true }
}

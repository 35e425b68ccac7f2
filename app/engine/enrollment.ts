import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { Job } from 'bullmq'
import Campaign from '#models/campaign'
import FlowVersion from '#models/flow_version'
import Segment from '#models/segment'
import { fieldsByKey, listAudienceQuery, segmentQuery } from '#services/segments/audience_query'
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

/** Contacts read, inserted as journeys and enqueued per batch. */
export const ENROLLMENT_BATCH = 1000

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
    const fields = await fieldsByKey()
    const segments = await Segment.query().whereIn('id', campaign.segmentIds).orderBy('id')
    for (const segment of segments) {
      sources.push(() => segmentQuery(segment.rules, fields))
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

/**
 * Inserts the journeys of one batch of contacts (a contact already
 * enrolled in the campaign keeps its journey) and enqueues the first step
 * of every journey of the batch still at it, so a batch run again after a
 * crash enqueues what the first run did not.
 */
async function enrollBatch(campaign: Campaign, version: FlowVersion, contactIds: number[]) {
  const instances = campaign.channelInstanceIds
  const entry = version.plan.entryNodeId
  const now = sqlTime(await engineNow())
  const rows = contactIds.map((contactId) => ({
    tenant_id: campaign.tenantId,
    campaign_id: campaign.id,
    contact_id: contactId,
    flow_version_id: version.id,
    instance_id: instances[contactId % instances.length],
    state: 'active',
    node_id: entry,
    step: 1,
    visits: JSON.stringify({ [entry]: 1 }),
    held: false,
    created_at: now,
    updated_at: now,
  }))
  await db.table('journeys').insert(rows).onConflict(['campaign_id', 'contact_id']).ignore()

  const fresh = await db
    .from('journeys')
    .where('campaign_id', campaign.id)
    .whereIn('contact_id', contactIds)
    .where('step', 1)
    .where('state', 'active')
    .select('id', 'node_id')
  const jobs = fresh.map((journey) => {
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
  if (jobs.length > 0) {
    await getQueue(JOURNEY_QUEUE).addBulk(jobs)
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
  while (source < sources.length) {
    const rows = await sources[source]()
      .where('contacts.id', '>', after)
      .orderBy('contacts.id')
      .limit(ENROLLMENT_BATCH)
      .select('contacts.id')
    const contactIds = rows.map((row) => row.id)
    if (contactIds.length > 0) {
      await enrollBatch(campaign, version, contactIds)
      after = contactIds[contactIds.length - 1]
    }
    if (contactIds.length < ENROLLMENT_BATCH) {
      source += 1
      after = 0
    }
    await job.updateData({ ...job.data, source, afterContactId: after })
    requestProgress(campaign.tenantId, campaign.id)
  }

  await markEnrollment(campaign, 'enrollment_finished_at')
  logger.info({ tenantId: campaign.tenantId, campaignId }, 'campaign enrollment finished')
  await checkFinished(campaign.tenantId, campaign.id)
  return { enrolled: true }
}

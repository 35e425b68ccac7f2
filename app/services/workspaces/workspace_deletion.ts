import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import logger from '@adonisjs/core/services/logger'
import type { Job } from 'bullmq'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { applyAction, CampaignStateException } from '#services/campaigns/campaign_states'
import { cancelCampaignJourneys } from '#engine/campaign_control'
import { deleteInstance } from '#services/channels/instance_service'
import { getQueue } from '#queues/queue_factory'
import { registeredQueues } from '#queues/job_registry'

/** Rows deleted per statement, so no statement holds its locks for long. */
const DELETE_BATCH = 1000

/** Jobs read per `getJobs` call while looking for the tenant's jobs in a queue. */
const JOB_PAGE = 1000

/** Campaign states in which a campaign still sends, or will. */
const ACTIVE_STATES = ['scheduled', 'running', 'paused']

/** Job states that are not running yet, and so can be removed. */
const PENDING_JOB_STATES = ['waiting', 'delayed', 'prioritized'] as const

/**
 * Tables deleted before the others, children before their parents, so a
 * delete rarely cascades into a large table. Tables not named here that
 * have a `tenant_id` column, plugins' tables among them, follow in name
 * order, and the tenant's own row comes last.
 */
const DELETE_FIRST = [
  'messages',
  'journeys',
  'campaign_node_counters',
  'campaign_runs',
  'conversation_notes',
  'conversations',
  'contact_addresses',
  'contact_field_values',
  'contact_list_members',
  'contact_tags',
  'contacts',
  'flow_versions',
  'flows',
  'campaigns',
]

/** Drive folders that keep the tenant's files, each followed by the tenant id. */
const FILE_FOLDERS = ['imports', 'inbox', 'templates']

/** The queue that runs workspace deletions, one at a time. */
export const WORKSPACE_DELETION_QUEUE = 'workspace-deletion'

/** The steps of a deletion, in order, as reported in the job's progress. */
export const DELETION_STEPS = ['campaigns', 'instances', 'jobs', 'files', 'rows'] as const

export type DeletionStep = (typeof DELETION_STEPS)[number]

/**
 * Cancels the tenant's active campaigns through the same action a member's
 * cancel button takes, which emits `campaign:cancelled`, then ends their
 * journeys at once rather than waiting for the engine's cancel job. Both
 * steps skip what an earlier, interrupted run finished.
 */
async function cancelCampaigns(tenantId: number) {
  const active = await Campaign.query().whereIn('state', ACTIVE_STATES).select('id')
  for (const { id } of active) {
    try {
      await applyAction(id, 'cancel', null)
    } catch (error) {
      // The campaign finished or was cancelled since it was read.
      if (!(error instanceof CampaignStateException)) {
        throw error
      }
    }
  }
  const cancelled = await Campaign.query().where('state', 'cancelled').select('id')
  for (const { id } of cancelled) {
    await cancelCampaignJourneys(tenantId, id)
  }
  return active.length
}

/**
 * Removes the tenant's jobs that have not started from every queue with
 * registered jobs, but the deletion queue itself. A running job cannot be
 * removed, and finds the tenant's rows gone. NOTE: the webhooks plugin runs
 * its own queue outside the registry, so its deliveries stay queued and
 * find their rows deleted.
 */
async function removeQueuedJobs(tenantId: number) {
  let removed = 0
  for (const name of registeredQueues().keys()) {
    if (name === WORKSPACE_DELETION_QUEUE) {
      continue
    }
    const queue = getQueue(name)
    // Every page is read before any job goes, so removals do not shift the pages.
    const matches: Job[] = []
    for (let start = 0; ; start += JOB_PAGE) {
      const jobs = await queue.getJobs([...PENDING_JOB_STATES], start, start + JOB_PAGE - 1, true)
      matches.push(...jobs.filter((job) => job?.data?.tenantId === tenantId))
      if (jobs.length < JOB_PAGE) {
        break
      }
    }
    for (const job of matches) {
      try {
        await job.remove()
        removed++
      } catch (error) {
        logger.debug({ err: error, queue: name, jobId: job.id }, 'queued job not removed')
      }
    }
  }
  return removed
}

async function deleteFiles(tenantId: number) {
  for (const folder of FILE_FOLDERS) {
    await drive.use().deleteAll(`${folder}/${tenantId}`)
  }
  return FILE_FOLDERS.length
}

/** Lists the tables that have a `tenant_id` column, in the order their rows are deleted. */
async function tenantTables() {
  const tables = await db.connection().getAllTables()
  const owned: string[] = []
  for (const table of tables) {
    const columns = await db.connection().columnsInfo(table)
    if ('tenant_id' in columns && table !== 'tenants') {
      owned.push(table)
    }
  }
  const rank = (table: string) => {
    const index = DELETE_FIRST.indexOf(table)
    return index === -1 ? DELETE_FIRST.length : index
  }
  return owned.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

/**
 * Deletes the rows of `table` that `where` selects, DELETE_BATCH at a time
 * by id, or in one statement when the table has no `id` column.
 */
async function deleteInBatches(
  table: string,
  where: Record<string, number>,
  hasId: boolean
): Promise<number> {
  if (!hasId) {
    return Number(await db.from(table).where(where).delete())
  }
  let deleted = 0
  for (;;) {
    const rows = await db.from(table).where(where).select('id').limit(DELETE_BATCH)
    if (rows.length === 0) {
      return deleted
    }
    const ids = rows.map((row) => row.id)
    deleted += Number(await db.from(table).whereIn('id', ids).delete())
  }
}

/**
 * Disconnects and deletes every channel instance of the tenant, with its
 * outbound queue. Its messages go first in batches, because deleting the
 * instance would otherwise delete them all in one cascading statement.
 */
async function deleteInstances(tenantId: number) {
  const instances = await ChannelInstance.query().orderBy('id')
  // NOTE: the WhatsApp plugin's tables are keyed by instance id alone. A driver deletes
  // them on logout, which only a live session runs, so an unconnected instance leaves them.
  for (const instance of instances) {
    await deleteInBatches('messages', { tenant_id: tenantId, instance_id: instance.id }, true)
    await deleteInstance(instance)
  }
  return instances.length
}

/**
 * Deletes every row the tenant owns, then the tenant. Journey steps carry
 * no tenant id and go first, by the ids of the tenant's campaigns. Every
 * other delete selects by the tenant's id, so other tenants' rows stay.
 */
async function deleteRows(tenantId: number) {
  const campaigns = await db.from('campaigns').where('tenant_id', tenantId).select('id')
  let deleted = 0
  for (const { id } of campaigns) {
    deleted += await deleteInBatches('journey_steps', { campaign_id: Number(id) }, true)
  }
  for (const table of await tenantTables()) {
    const columns = await db.connection().columnsInfo(table)
    deleted += await deleteInBatches(table, { tenant_id: tenantId }, 'id' in columns)
  }
  await db.from('tenants').where('id', tenantId).delete()
  return deleted
}

/**
 * Runs one step of a deletion and returns how many things it stopped or
 * removed. Steps that need the tenant's models run in its scope.
 */
function runStep(step: DeletionStep, tenantId: number) {
  switch (step) {
    case 'campaigns':
      return runInTenant(tenantId, () => cancelCampaigns(tenantId))
    case 'instances':
      return runInTenant(tenantId, () => deleteInstances(tenantId))
    case 'jobs':
      return removeQueuedJobs(tenantId)
    case 'files':
      return deleteFiles(tenantId)
    case 'rows':
      return deleteRows(tenantId)
  }
}

/**
 * Deletes a tenant that an owner marked for deletion: stops its campaigns,
 * deletes its channel instances, removes its queued jobs and files, then
 * its rows and itself. Each step is safe to run again, so a deletion that
 * a crash interrupted completes when it runs once more. `onStep` hears of
 * each step before it starts. A tenant that was never marked is left
 * alone. Returns `false` when there was nothing to delete.
 */
export async function deleteMarkedTenant(
  tenantId: number,
  onStep: (step: DeletionStep, index: number) => Promise<void> = async () => {}
) {
  const tenant = await db
    .from('tenants')
    .where('id', tenantId)
    .select('id', 'deletion_requested_at')
    .first()
  if (!tenant || tenant.deletion_requested_at === null) {
    logger.warn({ tenantId, found: Boolean(tenant) }, 'workspace deletion skipped: not marked')
    return false
  }

  logger.info({ tenantId }, 'workspace deletion started')
  for (const [index, step] of DELETION_STEPS.entries()) {
    await onStep(step, index)
    const count = await runStep(step, tenantId)
    logger.info({ tenantId, step, count }, 'workspace deletion step done')
  }
  logger.info({ tenantId }, 'workspace deleted')
  return true
}

/** Lists the ids of the tenants marked for deletion and not deleted yet. */
export async function tenantsMarkedForDeletion() {
  const rows = await db.from('tenants').whereNotNull('deletion_requested_at').select('id')
  return rows.map((row) => Number(row.id))
}

/**
 * Enqueues the deletion of a marked tenant. The job id is the tenant's, so
 * a deletion already waiting or running is not queued twice. Finished and
 * failed jobs are dropped, so the periodic sweep can queue a failed one again.
 */
export async function enqueueTenantDeletion(tenantId: number) {
  await getQueue(WORKSPACE_DELETION_QUEUE).add(
    'delete-workspace',
    { tenantId },
    {
      jobId: `delete-workspace-${tenantId}`,
      attempts: 5,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: true,
      removeOnFail: true,
    }
  )
}

import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import logger from '@adonisjs/core/services/logger'
import type { Logger } from '@adonisjs/core/logger'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { applyAction, CampaignStateException } from '#services/campaigns/campaign_states'
import { cancelCampaignJourneys } from '#engine/campaign_control'
import { deleteInstance } from '#services/channels/instance_service'
import { getQueue } from '#queues/queue_factory'
import { sqlTime } from '#sdk'
import { registeredQueues } from '#queues/job_registry'
import { removeTenantJobs } from '#queues/tenant_jobs'
import pluginHost from '#plugins/main'
import { runTenantDeletionHandlers } from '#plugins/plugin_tenant_deletion'
import { DELETION_STEPS, type DeletionStep } from '#services/workspaces/deletion_progress'
import { deletionOfTenant, ensureDeletionRecord } from '#services/workspaces/deletion_records'
import { DeletionTracker } from '#services/workspaces/deletion_tracker'
import { notifyMembersOfDeletion } from '#services/workspaces/deletion_notice'

export { DELETION_STEPS, type DeletionStep }

/** Rows deleted per statement, so no statement holds its locks for long. */
const DELETE_BATCH = 1000

/** Campaign states in which a campaign still sends, or will. */
const ACTIVE_STATES = ['scheduled', 'running', 'paused']

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
 * removed, and finds the tenant's rows gone. Plugins that run queues of
 * their own remove their jobs in their tenant deletion handler.
 */
async function removeQueuedJobs(tenantId: number) {
  let removed = 0
  for (const name of registeredQueues().keys()) {
    if (name !== WORKSPACE_DELETION_QUEUE) {
      removed += await removeTenantJobs(getQueue(name), tenantId)
    }
  }
  return removed
}

/** Counts the files under a Drive folder; a folder that does not exist has none. */
async function countFiles(prefix: string) {
  let count = 0
  let paginationToken: string | undefined
  do {
    const page = await drive
      .use()
      .listAll(prefix, { recursive: true, paginationToken })
      .catch(() => ({ objects: [], paginationToken: undefined }))
    for (const object of page.objects) {
      count += object.isFile ? 1 : 0
    }
    paginationToken = page.paginationToken
  } while (paginationToken)
  return count
}

/** Deletes the tenant's folders of files and returns how many files they held. */
async function deleteFiles(tenantId: number) {
  let deleted = 0
  for (const folder of FILE_FOLDERS) {
    const prefix = `${folder}/${tenantId}`
    deleted += await countFiles(prefix)
    await drive.use().deleteAll(prefix)
  }
  return deleted
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
 * by id, or in one statement when the table has no `id` column, and adds
 * each statement's count to the tracker.
 */
async function deleteInBatches(
  tracker: DeletionTracker,
  table: string,
  where: Record<string, number>,
  hasId: boolean
): Promise<number> {
  if (!hasId) {
    const deleted = Number(await db.from(table).where(where).delete())
    await tracker.rowsDeleted(table, deleted)
    return deleted
  }
  let deleted = 0
  for (;;) {
    const rows = await db.from(table).where(where).select('id').limit(DELETE_BATCH)
    if (rows.length === 0) {
      return deleted
    }
    const ids = rows.map((row) => row.id)
    const count = Number(await db.from(table).whereIn('id', ids).delete())
    deleted += count
    await tracker.rowsDeleted(table, count)
  }
}

/** Lists the ids of the tenant's campaigns, whose journey steps carry no tenant id. */
async function campaignIds(tenantId: number) {
  const rows = await db.from('campaigns').where('tenant_id', tenantId).select('id')
  return rows.map((row) => Number(row.id))
}

/**
 * Counts the rows the tenant still has in each table that the deletion
 * empties, journey steps included, for the progress shown to members.
 */
async function countTenantRows(tenantId: number) {
  const counts: Record<string, number> = {}
  let steps = 0
  for (const id of await campaignIds(tenantId)) {
    const [row] = await db.from('journey_steps').where('campaign_id', id).count('* as total')
    steps += Number(row.total)
  }
  counts.journey_steps = steps
  for (const table of await tenantTables()) {
    const [row] = await db.from(table).where('tenant_id', tenantId).count('* as total')
    counts[table] = Number(row.total)
  }
  return counts
}

/**
 * Disconnects and deletes every channel instance of the tenant, with its
 * outbound queue. Its messages go first in batches, because deleting the
 * instance would otherwise delete them all in one cascading statement.
 */
async function deleteInstances(tracker: DeletionTracker, tenantId: number) {
  const instances = await ChannelInstance.query().orderBy('id')
  // Plugins that keep rows per instance get the ids in their tenant deletion handler.
  for (const instance of instances) {
    const where = { tenant_id: tenantId, instance_id: instance.id }
    await deleteInBatches(tracker, 'messages', where, true)
    await deleteInstance(instance)
  }
  return instances.length
}

/**
 * Deletes every row the tenant owns, then the tenant. Journey steps carry
 * no tenant id and go first, by the ids of the tenant's campaigns. Every
 * other delete selects by the tenant's id, so other tenants' rows stay.
 */
async function deleteRows(tracker: DeletionTracker, tenantId: number) {
  let deleted = 0
  for (const id of await campaignIds(tenantId)) {
    deleted += await deleteInBatches(tracker, 'journey_steps', { campaign_id: id }, true)
  }
  for (const table of await tenantTables()) {
    const columns = await db.connection().columnsInfo(table)
    deleted += await deleteInBatches(tracker, table, { tenant_id: tenantId }, 'id' in columns)
  }
  await db.from('tenants').where('id', tenantId).delete()
  return deleted
}

/**
 * Calls the plugins' tenant deletion handlers and returns how many things
 * they reported removing in all.
 */
async function cleanUpPlugins(tracker: DeletionTracker, tenantId: number) {
  const counts = await runTenantDeletionHandlers(pluginHost, {
    tenantId,
    deletionId: tracker.deletion.id,
    instanceIds: [...tracker.progress.instanceIds],
  })
  tracker.addPluginCounts(counts)
  return Object.values(counts)
    .flatMap((removed) => Object.values(removed))
    .reduce((sum, count) => sum + count, 0)
}

/**
 * Runs one step of a deletion and returns how many things it stopped or
 * removed. Steps that need the tenant's models run in its scope.
 */
function runStep(step: DeletionStep, tracker: DeletionTracker, tenantId: number) {
  switch (step) {
    case 'campaigns':
      return runInTenant(tenantId, () => cancelCampaigns(tenantId))
    case 'instances':
      return runInTenant(tenantId, () => deleteInstances(tracker, tenantId))
    case 'jobs':
      return removeQueuedJobs(tenantId)
    case 'plugins':
      return cleanUpPlugins(tracker, tenantId)
    case 'files':
      return deleteFiles(tenantId)
    case 'rows':
      return deleteRows(tracker, tenantId)
  }
}

/**
 * Marks the deletion finished, logs what it removed, and e-mails the
 * members the workspace had. Runs again after a crash that came between
 * the tenant's last row and the end, and mails only who was not mailed.
 */
async function completeDeletion(tracker: DeletionTracker) {
  const { deletion } = tracker
  if (deletion.status !== 'finished') {
    await tracker.finish()
    const { steps, plugins } = tracker.progress
    tracker.logger.info(
      {
        removed: Object.fromEntries(
          Object.entries(steps).map(([step, { count }]) => [step, count])
        ),
        plugins,
        requestedById: deletion.requestedById,
        requestedAt: deletion.requestedAt.toISO(),
      },
      'workspace deleted'
    )
  }
  await notifyMembersOfDeletion(deletion, tracker.logger)
}

/** Runs every step of a marked tenant's deletion, storing its progress as it goes. */
async function runSteps(
  tracker: DeletionTracker,
  tenantId: number,
  onStep: (step: DeletionStep, index: number) => Promise<void>
) {
  const instances = await db.from('channel_instances').where('tenant_id', tenantId).select('id')
  await tracker.begin(
    instances.map((row) => Number(row.id)),
    await countTenantRows(tenantId)
  )
  tracker.logger.info({ attempt: tracker.deletion.attempts }, 'workspace deletion started')
  try {
    for (const [index, step] of DELETION_STEPS.entries()) {
      await onStep(step, index)
      await tracker.startStep(step)
      const count = await runStep(step, tracker, tenantId)
      await tracker.finishStep(step, count)
      tracker.logger.info({ step, count }, 'workspace deletion step done')
    }
  } catch (error) {
    tracker.logger.error({ err: error, step: tracker.deletion.step }, 'workspace deletion failed')
    await tracker.fail(error)
    throw error
  }
}

/** Builds the logger of one deletion run. */
function deletionLogger(tenantId: number, deletionId: number, parent: Logger = logger) {
  return parent.child({ tenantId, deletionId })
}

/**
 * Deletes a tenant that an owner marked for deletion: stops its campaigns,
 * deletes its channel instances, removes its queued jobs, lets plugins
 * remove theirs, deletes its files, then its rows and itself, and mails
 * its members. Each step is safe to run again, so a deletion that a crash
 * interrupted completes when it runs once more. The progress is stored on
 * the deletion's record and broadcast to its page. `onStep` hears of each
 * step before it starts. A tenant that was never marked is left alone.
 * Returns `false` when there was nothing to delete.
 */
export async function deleteMarkedTenant(
  tenantId: number,
  onStep: (step: DeletionStep, index: number) => Promise<void> = async () => {},
  parentLogger?: Logger
) {
  const tenant = await db
    .from('tenants')
    .where('id', tenantId)
    .select('id', 'deletion_requested_at')
    .first()

  if (!tenant) {
    // Gone already: a run stopped after the last row may have left the end undone.
    const deletion = await deletionOfTenant(tenantId)
    if (!deletion) {
      logger.warn({ tenantId }, 'workspace deletion skipped: workspace not found')
      return false
    }
    const finished = deletion.status === 'finished'
    const log = deletionLogger(tenantId, deletion.id, parentLogger)
    await completeDeletion(new DeletionTracker(deletion, log))
    return !finished
  }
  if (tenant.deletion_requested_at === null) {
    logger.warn({ tenantId }, 'workspace deletion skipped: not marked')
    return false
  }

  const deletion = await ensureDeletionRecord(tenantId)
  const tracker = new DeletionTracker(deletion, deletionLogger(tenantId, deletion.id, parentLogger))
  await runSteps(tracker, tenantId, onStep)
  await completeDeletion(tracker)
  return true
}

/** How long after a deletion finished its unsent e-mails are still retried, in milliseconds. */
const MAIL_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000

/**
 * Lists the ids of the tenants whose deletion is not complete: marked and
 * not deleted yet, deleted without their record finished, or finished
 * within the last day with e-mails not sent.
 */
export async function tenantsMarkedForDeletion() {
  const marked = await db.from('tenants').whereNotNull('deletion_requested_at').select('id')
  const unfinished = await db
    .from('workspace_deletions')
    .whereNot('status', 'finished')
    .select('workspace_id')
  const unmailed = await db
    .from('workspace_deletion_members')
    .join('workspace_deletions', 'workspace_deletions.id', 'workspace_deletion_members.deletion_id')
    .where('workspace_deletions.status', 'finished')
    .where(
      'workspace_deletions.finished_at',
      '>=',
      sqlTime(new Date(Date.now() - MAIL_RETRY_WINDOW_MS))
    )
    .whereNull('workspace_deletion_members.notified_at')
    .distinct('workspace_deletions.workspace_id')
  const ids = [
    ...marked.map((row) => Number(row.id)),
    ...[...unfinished, ...unmailed].map((row) => Number(row.workspace_id)),
  ]
  return [...new Set(ids)].sort((a, b) => a - b)
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

import logger from '@adonisjs/core/services/logger'
import { defineJob } from '#queues/job_registry'
import {
  DELETION_STEPS,
  WORKSPACE_DELETION_QUEUE,
  deleteMarkedTenant,
  enqueueTenantDeletion,
  tenantsMarkedForDeletion,
} from '#services/workspaces/workspace_deletion'

/**
 * Deletes one tenant an owner marked for deletion. The job's progress is
 * the share of its steps started, from 0 to 100, with the current step's
 * name beside it. Members follow the finer progress that the deletion's
 * record stores and broadcasts.
 */
export const deleteWorkspaceJob = defineJob<{ tenantId: number }>({
  queue: WORKSPACE_DELETION_QUEUE,
  name: 'delete-workspace',
  concurrency: 1,
  // Several minutes for a large tenant, so a worker that dies recovers the job soon.
  lockDuration: 60_000,
  async handle(job) {
    const deleted = await deleteMarkedTenant(
      job.data.tenantId,
      (step, index) =>
        job.updateProgress({ step, percent: Math.round((index / DELETION_STEPS.length) * 100) }),
      logger.child({ jobId: job.id })
    )
    await job.updateProgress({ step: 'done', percent: 100 })
    return { deleted }
  },
})

/**
 * Queues again the deletions that are not complete and neither waiting
 * nor running: one whose last attempt failed, whose job never reached
 * Redis, or whose members' e-mails were not all sent. A job that a dying worker left running needs no sweep, because
 * BullMQ runs a stalled job again once its lock runs out. Runs every ten
 * minutes.
 */
export const resumeWorkspaceDeletionsJob = defineJob({
  queue: WORKSPACE_DELETION_QUEUE,
  name: 'resume-workspace-deletions',
  schedule: { every: 10 * 60 * 1000 },
  async handle() {
    const tenantIds = await tenantsMarkedForDeletion()
    for (const tenantId of tenantIds) {
      await enqueueTenantDeletion(tenantId)
    }
    if (tenantIds.length > 0) {
      logger.info({ tenantIds }, 'workspace deletions queued again')
    }
    return { tenantIds }
  },
})

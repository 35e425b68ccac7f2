import type { Job, JobType, Queue } from 'bullmq'
import logger from '@adonisjs/core/services/logger'

/** Jobs read per `getJobs` call while looking for a tenant's jobs in a queue. */
const JOB_PAGE = 1000

/** Job states that have not started yet, so removing the job means it never runs. */
export const PENDING_JOB_STATES: JobType[] = ['waiting', 'delayed', 'prioritized']

/**
 * Removes from `queue` the jobs in one of `states` whose data carries the
 * tenant's id as `tenantId`, and returns how many went. A running job
 * cannot be removed and is left to finish; a job removed by someone else
 * meanwhile is skipped. Every page is read before any job goes, so the
 * removals do not shift the pages being read.
 */
export async function removeTenantJobs(
  queue: Queue,
  tenantId: number,
  states: JobType[] = PENDING_JOB_STATES
) {
  const matches: Job[] = []
  for (let start = 0; ; start += JOB_PAGE) {
    const jobs = await queue.getJobs(states, start, start + JOB_PAGE - 1, true)
    matches.push(...jobs.filter((job) => job?.data?.tenantId === tenantId))
    if (jobs.length < JOB_PAGE) {
      break
    }
  }

  let removed = 0
  for (const job of matches) {
    try {
      await job.remove()
      removed++
    } catch (error) {
      logger.debug({ err: error, queue: queue.name, jobId: job.id }, 'queued job not removed')
    }
  }
  return removed
}

import type { Job, JobsOptions } from 'bullmq'
import type { DateTime } from 'luxon'
import { getQueue } from '#queues/queue_factory'
import { redisKeyPrefix } from '#queues/redis_connection'
import { delayUntil } from '#engine/clock'
import { engineRedis } from '#engine/engine_redis'

/** Queue of journey steps. */
export const JOURNEY_QUEUE = 'engine-journeys'
/** Queue of enrollment, control (pause, resume, cancel) and inbound-reply jobs. */
export const CONTROL_QUEUE = 'engine-control'
/** Queue of progress publications. */
export const PROGRESS_QUEUE = 'engine-progress'

/** The outbound queue of a channel instance, consumed by the process that owns the instance. */
export function outboundQueueName(instanceId: number) {
  return `outbound-${instanceId}`
}

/**
 * What a journey job does when it runs.
 *
 * - `run`: run the node's executor (first visit of the step).
 * - `wake`: a wait ended; follow the pending port.
 * - `resume`: a parked branch-on-reply node resumes, by reply or timeout.
 * - `sent`: the node's send finished; run the executor again to read the outcome.
 */
export type JourneyPhase = 'run' | 'wake' | 'resume' | 'sent'

export interface JourneyJobData {
  tenantId: number
  campaignId: number
  journeyId: number
  step: number
  nodeId: string
  phase: JourneyPhase
  /** When the job is due, ISO-8601 in UTC engine time; moving the test clock promotes it. */
  dueAt?: string
}

/** Job options shared by journey jobs: many attempts, because a journey must not be dropped. */
export const JOURNEY_JOB_OPTIONS: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: { count: 10_000 },
}

/**
 * The deterministic id of a journey job: campaign, journey, node, step and
 * phase. Never the contact alone, so two campaigns reaching one contact
 * have distinct jobs, and a job enqueued twice for one step is one job.
 */
export function journeyJobId(data: Omit<JourneyJobData, 'tenantId' | 'dueAt'>) {
  const node = data.nodeId.replace(/[^A-Za-z0-9_-]/g, '_')
  return `j-${data.campaignId}-${data.journeyId}-${node}-${data.step}-${data.phase}`
}

/**
 * Enqueues a journey job, now or delayed to the engine instant `at`. A job
 * with the same id that is still pending makes this a no-op.
 */
export async function enqueueJourneyJob(data: JourneyJobData, at: DateTime | null = null) {
  const delay = at ? await delayUntil(at) : 0
  const payload = at ? { ...data, dueAt: at.toUTC().toISO()! } : data
  if (delay > 0) {
    await rememberDelayedQueue(JOURNEY_QUEUE)
  }
  return getQueue(JOURNEY_QUEUE).add(data.phase, payload, {
    ...JOURNEY_JOB_OPTIONS,
    jobId: journeyJobId(data),
    delay,
  })
}

function delayedQueuesKey() {
  return `${redisKeyPrefix()}:engine:delayed-queues`
}

/** Records that `queue` holds delayed engine jobs, so moving the test clock can promote them. */
export async function rememberDelayedQueue(queue: string) {
  await engineRedis().sadd(delayedQueuesKey(), queue)
}

function isDue(job: Job, now: DateTime) {
  const dueAt = (job.data as { dueAt?: string }).dueAt
  return typeof dueAt === 'string' && Date.parse(dueAt) <= now.toMillis()
}

/**
 * Promotes the delayed engine jobs whose `dueAt` has come by `now`, after a
 * test moved the clock forward: BullMQ delays are in real milliseconds and
 * would otherwise wait for the real time to pass. Returns how many moved.
 */
export async function promoteDueJobs(now: DateTime) {
  const names = await engineRedis().smembers(delayedQueuesKey())
  let promoted = 0
  for (const name of names) {
    const delayed = await getQueue(name).getDelayed()
    for (const job of delayed.filter((candidate) => isDue(candidate, now))) {
      await job.promote().then(
        () => promoted++,
        () => undefined
      )
    }
  }
  return promoted
}

/** The pending job of that phase and step, if any. */
export function getJourneyJob(data: Omit<JourneyJobData, 'tenantId' | 'dueAt'>) {
  return getQueue(JOURNEY_QUEUE).getJob(journeyJobId(data))
}

import { defineJob } from '#queues/job_registry'
import {
  JOURNEY_JOB_OPTIONS,
  JOURNEY_QUEUE,
  type JourneyJobData,
  type JourneyPhase,
} from '#engine/engine_queues'
import { runJourneyJob } from '#engine/journey_runner'

/** Journey jobs one worker process runs at once. */
const JOURNEY_CONCURRENCY = 100

/**
 * Lock of a running journey job, in milliseconds. Journey steps take
 * milliseconds (a few queries and enqueues), so a short lock lets another
 * worker take over the steps of a crashed one within about
 * JOURNEY_LOCK_MS + JOURNEY_STALLED_CHECK_MS instead of BullMQ's default
 * of up to a minute.
 */
const JOURNEY_LOCK_MS = 10_000
/** How often a worker looks for stalled journey jobs, in milliseconds. */
const JOURNEY_STALLED_CHECK_MS = 5_000
/**
 * Stalls tolerated before BullMQ fails a journey job for good: a job only
 * stalls when its worker dies, and a journey must survive several crashes.
 */
const JOURNEY_MAX_STALLS = 20

const PHASES: JourneyPhase[] = ['run', 'wake', 'resume', 'sent']

/**
 * Journey steps, one job kind per phase on the journeys queue (the job
 * name is the phase). See `runJourneyJob`.
 */
export default PHASES.map((phase) =>
  defineJob<JourneyJobData>({
    queue: JOURNEY_QUEUE,
    name: phase,
    concurrency: JOURNEY_CONCURRENCY,
    lockDuration: JOURNEY_LOCK_MS,
    stalledInterval: JOURNEY_STALLED_CHECK_MS,
    maxStalledCount: JOURNEY_MAX_STALLS,
    defaults: JOURNEY_JOB_OPTIONS,
    handle: (job) => runJourneyJob(job.data),
  })
)

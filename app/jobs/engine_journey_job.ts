import { defineJob } from '#queues/job_registry'
import {
  JOURNEY_JOB_OPTIONS,
  JOURNEY_QUEUE,
  type JourneyJobData,
  type JourneyPhase,
} from '#engine/engine_queues'
import { runJourneyJob } from '#engine/journey_runner'

/** Journey jobs one worker process runs at once. */
const JOURNEY_CONCURRENCY = 20

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
    defaults: JOURNEY_JOB_OPTIONS,
    handle: (job) => runJourneyJob(job.data),
  })
)

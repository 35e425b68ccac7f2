import logger from '@adonisjs/core/services/logger'
import type { MessageRecord } from '#models/message'
import { enqueueJourneyJob, type JourneyJobData } from '#engine/engine_queues'
import { runJourneyJob } from '#engine/journey_runner'

/**
 * Runs the journey step that waits for a campaign send, in the outbound
 * worker right after the send was settled (sent, failed, or found settled
 * by an earlier attempt), so a message costs no journey job of its own for
 * it. A step may not run now, because it raced its own `sending` mark or a
 * query failed. Its `sent` job is then added to the journeys queue, whose
 * retries take over. The step's transitions are conditional on the
 * journey's step, so running it twice changes nothing the second time.
 * `settled` is the message as the send left it, which the step reads
 * instead of reading the row again.
 */
export async function resumeAfterSend(
  sentJob: JourneyJobData,
  settled: MessageRecord | null = null
) {
  try {
    await runJourneyJob(sentJob, { settled })
  } catch (error) {
    logger.debug(
      { err: error, journeyId: sentJob.journeyId, step: sentJob.step },
      'journey step after the send deferred to its job'
    )
    await enqueueJourneyJob(sentJob)
  }
}

/**
 * Connects the flow engine to the domain events, in every process. Each
 * event is emitted where its change happens, such as a campaign button in
 * a web process or an inbound message in a channels process. Each listener
 * only enqueues a job with a deterministic id, and a worker does the work.
 */
import emitter from '@adonisjs/core/services/emitter'
import logger from '@adonisjs/core/services/logger'
import { getQueue } from '#queues/queue_factory'
import { CONTROL_QUEUE } from '#engine/engine_queues'
import { requestProgress } from '#engine/campaign_progress'

/**
 * Delay of a cancel's second pass, in milliseconds. A journey step that was
 * running when the cancel landed may store its message and add its send
 * after the first pass released the campaign's sends. The second pass
 * releases those, so they fail now instead of at their pace slot.
 */
const CANCEL_SECOND_PASS_MS = 10_000

function enqueue(name: string, data: Record<string, unknown>, jobId: string, delay = 0) {
  return getQueue(CONTROL_QUEUE)
    .add(name, data, {
      jobId,
      delay,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    })
    .catch((error) => logger.error({ err: error, jobId }, 'engine job not enqueued'))
}

emitter.on('campaign:started', ({ tenantId, campaignId }) =>
  enqueue('enroll', { tenantId, campaignId }, `enroll-${campaignId}`)
)

emitter.on('campaign:resumed', ({ tenantId, campaignId, occurredAt }) =>
  enqueue('resume', { tenantId, campaignId }, `resume-${campaignId}-${Date.parse(occurredAt)}`)
)

emitter.on('campaign:cancelled', async ({ tenantId, campaignId }) => {
  await enqueue('cancel', { tenantId, campaignId }, `cancel-${campaignId}`)
  await enqueue(
    'cancel',
    { tenantId, campaignId },
    `cancel-${campaignId}-again`,
    CANCEL_SECOND_PASS_MS
  )
})

emitter.on('campaign:paused', ({ tenantId, campaignId }) => requestProgress(tenantId, campaignId))

emitter.on('message:received', ({ tenantId, messageId }) =>
  enqueue('reply', { tenantId, messageId }, `reply-${messageId}`)
)

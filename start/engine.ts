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

function enqueue(name: string, data: Record<string, unknown>, jobId: string) {
  return getQueue(CONTROL_QUEUE)
    .add(name, data, {
      jobId,
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

emitter.on('campaign:cancelled', ({ tenantId, campaignId }) =>
  enqueue('cancel', { tenantId, campaignId }, `cancel-${campaignId}`)
)

emitter.on('campaign:paused', ({ tenantId, campaignId }) => requestProgress(tenantId, campaignId))

emitter.on('message:received', ({ tenantId, messageId }) =>
  enqueue('reply', { tenantId, messageId }, `reply-${messageId}`)
)

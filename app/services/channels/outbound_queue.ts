import type { JobsOptions } from 'bullmq'
import { getQueue } from '#queues/queue_factory'
import type Message from '#models/message'
import type { JourneyJobData } from '#engine/engine_queues'

/** Data of an outbound send job. The message row holds everything else. */
export interface OutboundJobData {
  tenantId: number
  messageId: number
  /** The engine instant of the send's pace slot, ISO-8601 in UTC, for a campaign send. */
  dueAt?: string
  /**
   * The journey step that waits for this send, as its `sent` job: the
   * outbound worker runs it once the send is settled.
   */
  journey?: JourneyJobData
  /** Set by the send gate while a pause holds the send: it takes a new pace slot when released. */
  repace?: boolean
}

/**
 * Attempts of one send before the message is marked failed. Attempts that
 * met a retryable error (a dropped connection, a rate limit) count; a job
 * waiting while no process owns the instance does not.
 */
export const OUTBOUND_ATTEMPTS = 8

/**
 * Options of every outbound send job: its attempts with backoff, and how
 * long finished jobs are kept.
 */
export const OUTBOUND_JOB_OPTIONS = {
  attempts: OUTBOUND_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions

/**
 * BullMQ priority of campaign sends on an outbound queue. Jobs without a
 * priority (inbox replies, single API messages) run before prioritized
 * jobs, so an agent's reply leaves ahead of the campaign sends already
 * waiting on the number.
 */
export const CAMPAIGN_SEND_PRIORITY = 10

/** Name of an instance's outbound queue; only the instance's lease owner consumes it. */
export function outboundQueueName(instanceId: number) {
  return `outbound-${instanceId}`
}

/**
 * Enqueues the send of an outbound message whose row already exists, with
 * the job id `message-<id>`, so enqueueing the same message twice adds one
 * job. The owner of the instance sends it with the row's provider message
 * id. `delayMs` postpones the send (pacing).
 */
export async function enqueueOutbound(message: Message, options: { delayMs?: number } = {}) {
  const data: OutboundJobData = { tenantId: message.tenantId, messageId: message.id }
  await getQueue(outboundQueueName(message.instanceId)).add('send', data, {
    ...OUTBOUND_JOB_OPTIONS,
    jobId: `message-${message.id}`,
    delay: options.delayMs,
  })
}

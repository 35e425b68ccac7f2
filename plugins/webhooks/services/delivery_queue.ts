import { Queue, Worker, type ConnectionOptions, type Processor } from 'bullmq'
import { removeTenantJobs, type Logger } from '#sdk'
import { webhooksConfig } from '../config.js'

/** BullMQ queue of webhook deliveries. */
export const DELIVERY_QUEUE = 'webhooks'

export interface DeliveryJobData {
  tenantId: number
  deliveryId: string
}

/**
 * Redis settings of the install, read from the same variables the core
 * reads (REDIS_URL, or REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_DB)
 * and the same `<REDIS_PREFIX>:bull` key prefix, so the queue sits beside
 * the core's queues.
 *
 * NOTE: the SDK exposes no queue, so this plugin makes its own BullMQ queue
 * and worker here. Move to the SDK's queue once it has one.
 */
function connectionOptions(): ConnectionOptions {
  const common = { maxRetriesPerRequest: null }
  if (process.env.REDIS_URL) {
    const url = new URL(process.env.REDIS_URL)
    return {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: decodeURIComponent(url.username) || undefined,
      password: decodeURIComponent(url.password) || undefined,
      db: Number(url.pathname.slice(1) || 0),
      tls: url.protocol === 'rediss:' ? {} : undefined,
      ...common,
    }
  }
  return {
    host: process.env.REDIS_HOST || '127.0.0.1',
    port: Number(process.env.REDIS_PORT || 6379),
    password: process.env.REDIS_PASSWORD || undefined,
    db: Number(process.env.REDIS_DB || 0),
    ...common,
  }
}

function prefix() {
  return `${process.env.REDIS_PREFIX || 'disparador'}:bull`
}

let queue: Queue<DeliveryJobData> | null = null

export function deliveryQueue() {
  queue ??= new Queue<DeliveryJobData>(DELIVERY_QUEUE, {
    connection: connectionOptions(),
    prefix: prefix(),
  })
  return queue
}

/** BullMQ options of one run of a delivery, retried up to `attempts` runs. */
function runOptions(jobId: string, attempts: number) {
  return {
    jobId,
    attempts,
    backoff: { type: 'exponential', delay: webhooksConfig.backoffMs },
    removeOnComplete: 1000,
    removeOnFail: 5000,
  }
}

/**
 * Enqueues one run of a delivery. `jobId` is the delivery id for the first
 * run and `<id>-redeliver-<n>` for a redelivery, so enqueueing the same run
 * twice makes one job (BullMQ forbids `:` in custom ids). BullMQ retries a failed run with exponential
 * backoff up to `attempts` runs (default `maxAttempts`).
 */
export function enqueueDelivery(
  data: DeliveryJobData,
  jobId: string,
  attempts = webhooksConfig.maxAttempts
) {
  return deliveryQueue().add('deliver', data, runOptions(jobId, attempts))
}

/**
 * Enqueues the first run of each delivery, as `enqueueDelivery` does, in
 * one Redis round trip.
 */
export function enqueueDeliveries(deliveries: DeliveryJobData[]) {
  return deliveryQueue().addBulk(
    deliveries.map((data) => ({
      name: 'deliver',
      data,
      opts: runOptions(data.deliveryId, webhooksConfig.maxAttempts),
    }))
  )
}

/** Starts a worker on the delivery queue; the caller closes it. */
export function startDeliveryWorker(processor: Processor<DeliveryJobData>, logger: Logger) {
  const worker = new Worker<DeliveryJobData>(DELIVERY_QUEUE, processor, {
    connection: connectionOptions(),
    prefix: prefix(),
    concurrency: 10,
  })
  worker.on('error', (error) => logger.error({ err: error }, 'webhook delivery worker error'))
  worker.on('failed', (job, error) => {
    const attempt = job?.attemptsMade
    logger.warn({ err: error, jobId: job?.id, attempt }, 'webhook delivery attempt failed')
  })
  return worker
}

/**
 * Removes the tenant's delivery jobs: waiting and delayed ones, which would
 * still post, and finished ones kept for the log. A running one finishes
 * and finds its tenant being deleted. Returns how many went.
 */
export function removeTenantDeliveries(tenantId: number) {
  return removeTenantJobs(deliveryQueue(), tenantId, [
    'waiting',
    'delayed',
    'prioritized',
    'completed',
    'failed',
  ])
}

export async function closeDeliveryQueue() {
  await queue?.close()
  queue = null
}

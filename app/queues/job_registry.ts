import type { Job, JobsOptions } from 'bullmq'

/**
 * One kind of background job: the queue it runs on, its name inside the queue
 * and the function that runs it. Jobs of one queue share that queue's worker.
 */
export interface JobDefinition<Data = any> {
  /** BullMQ queue name. */
  queue: string
  /** Job name inside the queue; `job.name` selects the handler. */
  name: string
  /** Runs one job. A thrown error fails the attempt and BullMQ retries it. */
  handle: (job: Job<Data>) => Promise<unknown>
  /** Default options for jobs of this kind, such as attempts and backoff. */
  defaults?: JobsOptions
  /** Jobs of this queue a worker process runs at once. Default: 5. */
  concurrency?: number
  /**
   * How long a worker holds the lock of a running job before it must renew
   * it, in milliseconds; BullMQ renews it every half of this while the job
   * runs. The jobs of a dead worker process run again only once their lock
   * ran out, so a shorter lock recovers them sooner. But an event loop
   * blocked for longer than the lock makes a healthy job look stalled, and
   * it runs twice. Per queue, the largest value of its job kinds wins.
   * Default: BullMQ's, 30000.
   */
  lockDuration?: number
  /**
   * How often the worker looks for stalled jobs of the queue, in
   * milliseconds. Per queue, the smallest value of its job kinds wins.
   * Default: BullMQ's, 30000.
   */
  stalledInterval?: number
  /**
   * How many times a job may be found stalled before BullMQ fails it for
   * good. Per queue, the largest value of its job kinds wins. Default:
   * BullMQ's, 1.
   */
  maxStalledCount?: number
  /**
   * Runs the job on a timer through a BullMQ job scheduler, `every` in
   * milliseconds. Every worker process upserts the same scheduler, so the job
   * runs once per period however many workers there are. Default: no timer.
   */
  schedule?: { every: number }
}

const definitions = new Map<string, JobDefinition>()

function keyOf(queue: string, name: string) {
  return `${queue}\u0000${name}`
}

/**
 * Registers a kind of job. Registering the same queue and name twice is a
 * programming error and throws.
 */
export function defineJob<Data>(definition: JobDefinition<Data>) {
  const key = keyOf(definition.queue, definition.name)
  if (definitions.has(key)) {
    throw new Error(`Job "${definition.name}" on queue "${definition.queue}" is already defined`)
  }
  definitions.set(key, definition as JobDefinition)
  return definition
}

export function findJob(queue: string, name: string) {
  return definitions.get(keyOf(queue, name))
}

/** The BullMQ worker options of one queue, merged from its job kinds. */
export interface QueueWorkerSettings {
  concurrency: number
  lockDuration?: number
  stalledInterval?: number
  maxStalledCount?: number
}

function pick(current: number | undefined, next: number | undefined, choose: typeof Math.max) {
  if (next === undefined) return current
  return current === undefined ? next : choose(current, next)
}

/**
 * Returns the queues that have at least one job kind, each with the worker
 * options its job kinds ask for: the highest concurrency, the longest lock,
 * the shortest stalled-job check and the highest stall limit. Options no
 * kind sets are left out, so BullMQ's defaults apply.
 */
export function registeredQueues() {
  const result = new Map<string, QueueWorkerSettings>()
  for (const definition of definitions.values()) {
    const current = result.get(definition.queue) ?? { concurrency: 0 }
    const merged: QueueWorkerSettings = {
      concurrency: Math.max(current.concurrency, definition.concurrency ?? 5),
      lockDuration: pick(current.lockDuration, definition.lockDuration, Math.max),
      stalledInterval: pick(current.stalledInterval, definition.stalledInterval, Math.min),
      maxStalledCount: pick(current.maxStalledCount, definition.maxStalledCount, Math.max),
    }
    result.set(definition.queue, merged)
  }
  return result
}

/** Drops the options left undefined, so BullMQ applies its own defaults for them. */
export function workerOptionsOf(settings: QueueWorkerSettings) {
  return Object.fromEntries(
    Object.entries(settings).filter(([, value]) => value !== undefined)
  ) as QueueWorkerSettings
}

/**
 * Returns the job kinds that run on a timer.
 */
export function scheduledJobs() {
  return [...definitions.values()].filter((definition) => definition.schedule)
}

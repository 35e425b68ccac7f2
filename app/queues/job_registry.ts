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

/**
 * Returns the queues that have at least one job kind, each with the highest
 * concurrency any of its job kinds asks for.
 */
export function registeredQueues() {
  const result = new Map<string, number>()
  for (const definition of definitions.values()) {
    const concurrency = definition.concurrency ?? 5
    result.set(definition.queue, Math.max(result.get(definition.queue) ?? 0, concurrency))
  }
  return result
}

/**
 * Returns the job kinds that run on a timer.
 */
export function scheduledJobs() {
  return [...definitions.values()].filter((definition) => definition.schedule)
}

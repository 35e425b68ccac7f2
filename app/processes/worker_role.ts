import type { Job, Worker } from 'bullmq'
import type { Logger } from '@adonisjs/core/logger'
import { createWorker, getQueue } from '#queues/queue_factory'
import { findJob, registeredQueues, scheduledJobs, workerOptionsOf } from '#queues/job_registry'

/**
 * The worker role: one BullMQ worker per queue that has registered jobs.
 * `stop` lets running jobs finish within `shutdownTimeoutMs`, then closes the
 * workers by force so a stuck job cannot hold the process forever.
 */
export class WorkerRole {
  #workers: Worker[] = []

  constructor(
    private logger: Logger,
    private shutdownTimeoutMs: number
  ) {}

  async start() {
    for (const [queue, settings] of registeredQueues()) {
      const worker = createWorker(queue, (job) => this.#run(queue, job), workerOptionsOf(settings))
      worker.on('error', (error) => this.logger.error({ err: error, queue }, 'worker error'))
      worker.on('failed', (job, error) => {
        this.logger.warn(
          { err: error, queue, jobId: job?.id, jobName: job?.name, attempt: job?.attemptsMade },
          'job failed'
        )
      })
      this.#workers.push(worker)
    }
    await this.#upsertSchedulers()
    this.logger.info({ queues: [...registeredQueues().keys()] }, 'worker role started')
  }

  async #upsertSchedulers() {
    for (const definition of scheduledJobs()) {
      await getQueue(definition.queue).upsertJobScheduler(
        definition.name,
        { every: definition.schedule!.every },
        { name: definition.name, opts: definition.defaults }
      )
    }
  }

  async #run(queue: string, job: Job) {
    const definition = findJob(queue, job.name)
    if (!definition) {
      throw new Error(`No handler for job "${job.name}" on queue "${queue}"`)
    }
    return definition.handle(job)
  }

  async stop() {
    this.logger.info({ timeoutMs: this.shutdownTimeoutMs }, 'worker role stopping')
    const graceful = Promise.all(this.#workers.map((worker) => worker.close()))
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.shutdownTimeoutMs)
    })

    const outcome = await Promise.race([graceful.then(() => 'closed' as const), timeout])
    clearTimeout(timer)
    if (outcome === 'timeout') {
      this.logger.warn('running jobs did not finish in time, closing workers by force')
      await Promise.all(this.#workers.map((worker) => worker.close(true)))
    }

    this.#workers = []
    this.logger.info('worker role stopped')
  }
}

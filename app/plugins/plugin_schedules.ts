import type { Job } from 'bullmq'
import type { Logger } from '@adonisjs/core/logger'
import Tenant from '#models/tenant'
import { defineJob, findJob } from '#queues/job_registry'
import { getQueue } from '#queues/queue_factory'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import type { PluginHost } from '#plugins/plugin_host'

export const PLUGIN_QUEUE = 'plugins'
const JOB_NAME = 'scheduled-task'

interface TaskJobData {
  plugin: string
  task: string
}

function declaredTasks(host: PluginHost) {
  return host
    .active()
    .flatMap((record) =>
      record.api!.contributions.schedules.map((task) => ({ plugin: record.name, task }))
    )
}

async function runTask(host: PluginHost, logger: Logger, job: Job<TaskJobData>) {
  const record = host.get(job.data.plugin)
  const task = record?.api?.contributions.schedules.find((entry) => entry.name === job.data.task)
  if (!record || !task || !host.isActive(record.name)) {
    logger.warn({ ...job.data }, 'scheduled task of an inactive plugin skipped')
    return
  }
  const firedAt = new Date(job.timestamp)
  const taskLogger = record.api!.logger.child({ task: task.name, jobId: job.id })
  if (!task.perTenant) {
    await task.handler({ tenantId: null, logger: taskLogger, firedAt })
    return
  }
  const tenants = await runAsSystem(() => Tenant.query().select('id'))
  for (const tenant of tenants) {
    if (await host.isEnabledFor(record.name, tenant.id)) {
      await runInTenant(tenant.id, () =>
        task.handler({
          tenantId: tenant.id,
          logger: taskLogger.child({ tenantId: tenant.id }),
          firedAt,
        })
      )
    }
  }
}

/**
 * Registers the job that runs plugins' scheduled tasks, so the worker role
 * starts a worker on the `plugins` queue. Called after plugins registered.
 */
export function defineScheduledTaskJob(host: PluginHost, logger: Logger) {
  if (declaredTasks(host).length === 0 || findJob(PLUGIN_QUEUE, JOB_NAME)) {
    return
  }
  defineJob<TaskJobData>({
    queue: PLUGIN_QUEUE,
    name: JOB_NAME,
    concurrency: 2,
    defaults: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 },
    handle: (job) => runTask(host, logger, job),
  })
}

/**
 * Makes BullMQ's job schedulers match the declared tasks: one scheduler per
 * task, id `<plugin>:<task>`, and none for tasks no longer declared. Every
 * worker process does this at boot; upserting the same scheduler is
 * idempotent.
 */
export async function syncJobSchedulers(host: PluginHost, logger: Logger) {
  const queue = getQueue(PLUGIN_QUEUE)
  const declared = new Set<string>()
  for (const { plugin, task } of declaredTasks(host)) {
    const id = `${plugin}:${task.name}`
    declared.add(id)
    const repeat = task.every
      ? { every: task.every }
      : { pattern: task.pattern!, tz: task.timeZone ?? 'UTC' }
    await queue.upsertJobScheduler(id, repeat, {
      name: JOB_NAME,
      data: { plugin, task: task.name },
    })
  }
  for (const scheduler of await queue.getJobSchedulers()) {
    if (!declared.has(scheduler.key)) {
      await queue.removeJobScheduler(scheduler.key)
      logger.info(
        { scheduler: scheduler.key },
        'removed job scheduler of a task no longer declared'
      )
    }
  }
}

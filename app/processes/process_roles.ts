import type { ApplicationService } from '@adonisjs/core/types'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import env from '#start/env'
import { WorkerRole } from '#processes/worker_role'
import { ChannelsRole } from '#processes/channels_role'
import { closeQueues } from '#queues/queue_factory'
import { closeRedisConnections } from '#queues/redis_connection'
import { syncJobSchedulers } from '#plugins/plugin_schedules'
import { keepSqliteStatistics } from '#services/database/sqlite_statistics'

export type ProcessRoleName = 'web' | 'worker' | 'channels'

const KNOWN_ROLES: ProcessRoleName[] = ['web', 'worker', 'channels']

/**
 * Parses PROCESS_ROLES, a comma-separated list. An unknown role stops the
 * process with an error that names it.
 */
export function parseRoles(value: string | undefined, fallback: ProcessRoleName[]) {
  if (!value) {
    return fallback
  }
  const roles = value
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean)
  for (const role of roles) {
    if (!KNOWN_ROLES.includes(role as ProcessRoleName)) {
      throw new Error(
        `Invalid PROCESS_ROLES entry "${role}": use a comma-separated list of ${KNOWN_ROLES.join(', ')}`
      )
    }
  }
  return roles as ProcessRoleName[]
}

/**
 * Starts the worker and channels roles in this process and stops them when
 * the application terminates, before Redis and the database are closed.
 * Plugins boot first, with every role this process runs, unless the web
 * process already booted them.
 */
export async function startRoles(app: ApplicationService, roles: ProcessRoleName[]) {
  const logger = await app.container.make('logger')
  const plugins = await app.container.make('plugins')
  await import('#start/jobs')
  await plugins.boot(roles)
  const shutdownTimeoutMs = env.get('SHUTDOWN_TIMEOUT_MS') ?? 30_000
  const started: { stop(): Promise<void> }[] = []

  if (roles.includes('worker')) {
    await syncJobSchedulers(plugins, logger)
    const worker = new WorkerRole(logger.child({ role: 'worker' }), shutdownTimeoutMs)
    await worker.start()
    started.push(worker)
  }
  if (roles.includes('channels')) {
    const channels = new ChannelsRole(logger.child({ role: 'channels' }), plugins)
    await channels.start()
    started.push(channels)
  }

  const heartbeat = startHeartbeat(roles.filter((role) => role !== 'web'))
  const stopStatistics = keepSqliteStatistics(logger)

  app.terminating(async () => {
    clearInterval(heartbeat)
    stopStatistics()
    for (const role of started.reverse()) {
      await role.stop()
    }
    await closeRedisUsers()
  })
}

/** Milliseconds between heartbeat file updates. */
export const HEARTBEAT_INTERVAL_MS = 10_000

/**
 * Path of a role's heartbeat file, which the process touches every
 * HEARTBEAT_INTERVAL_MS while its event loop runs. Container health checks
 * read its age; it lives in the OS temporary folder, so replicas that share
 * a volume never share it.
 */
export function heartbeatFile(role: ProcessRoleName) {
  return join(tmpdir(), `disparador-${role}.heartbeat`)
}

function startHeartbeat(roles: ProcessRoleName[]) {
  const beat = () =>
    Promise.all(roles.map((role) => writeFile(heartbeatFile(role), new Date().toISOString())))
  void beat()
  return setInterval(() => void beat(), HEARTBEAT_INTERVAL_MS).unref()
}

/**
 * Called by the web entry point: starts the roles besides `web` that
 * PROCESS_ROLES lists. The default is the web role alone.
 */
export async function startExtraRoles(app: ApplicationService) {
  const roles = parseRoles(env.get('PROCESS_ROLES'), ['web'])
  const extra = roles.filter((role) => role !== 'web')
  if (extra.length > 0) {
    await startRoles(app, extra)
  } else {
    const logger = await app.container.make('logger')
    const stopStatistics = keepSqliteStatistics(logger)
    app.terminating(async () => {
      stopStatistics()
      await closeRedisUsers()
    })
  }
}

/**
 * Closes this process's BullMQ queues, then every Redis connection it made.
 */
async function closeRedisUsers() {
  await closeQueues()
  await closeRedisConnections()
}

import type { ApplicationService } from '@adonisjs/core/types'
import env from '#start/env'
import { WorkerRole } from '#processes/worker_role'
import { ChannelsRole } from '#processes/channels_role'
import { closeQueues } from '#queues/queue_factory'
import { closeRedisConnections } from '#queues/redis_connection'

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
 */
export async function startRoles(app: ApplicationService, roles: ProcessRoleName[]) {
  const logger = await app.container.make('logger')
  await import('#start/jobs')
  const shutdownTimeoutMs = env.get('SHUTDOWN_TIMEOUT_MS') ?? 30_000
  const started: { stop(): Promise<void> }[] = []

  if (roles.includes('worker')) {
    const worker = new WorkerRole(logger.child({ role: 'worker' }), shutdownTimeoutMs)
    await worker.start()
    started.push(worker)
  }
  if (roles.includes('channels')) {
    const channels = new ChannelsRole(logger.child({ role: 'channels' }))
    await channels.start()
    started.push(channels)
  }

  app.terminating(async () => {
    for (const role of started.reverse()) {
      await role.stop()
    }
    await closeQueues()
    await closeRedisConnections()
  })
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
    app.terminating(async () => {
      await closeQueues()
      await closeRedisConnections()
    })
  }
}

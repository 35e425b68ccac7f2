import { stat } from 'node:fs/promises'
import type { Logger } from '@adonisjs/core/logger'
import { HEARTBEAT_INTERVAL_MS, heartbeatFile } from '#processes/process_roles'
import { createRedisConnection, redisKeyPrefix } from '#queues/redis_connection'

/** A sign that a worker or channels process of this install is running. */
export interface RunningRole {
  role: 'worker' | 'channels'
  /** Description of the sign for the operator, such as a file path. */
  evidence: string
}

/**
 * Looks for running worker and channels processes of this install: Redis
 * connections named after the install's REDIS_PREFIX, and live channel
 * instance leases. When Redis cannot be reached, it looks at the heartbeat
 * files on this machine instead. Those files are not per install, so
 * another install's processes on this machine show as well.
 */
export async function findRunningRoles(logger: Logger) {
  try {
    return await findInRedis()
  } catch (error) {
    logger.warn({ err: error }, 'cannot check redis for running processes, reading heartbeat files')
    return findHeartbeats()
  }
}

async function findHeartbeats() {
  const found: RunningRole[] = []
  for (const role of ['worker', 'channels'] as const) {
    const modified = await stat(heartbeatFile(role)).then(
      (file) => file.mtimeMs,
      () => 0
    )
    if (Date.now() - modified < HEARTBEAT_INTERVAL_MS * 3) {
      found.push({ role, evidence: `heartbeat file ${heartbeatFile(role)}` })
    }
  }
  return found
}

async function findInRedis() {
  const prefix = redisKeyPrefix()
  const redis = createRedisConnection('restore-check', {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 3000,
  })
  try {
    const found: RunningRole[] = []
    const clients = String(await redis.call('CLIENT', 'LIST'))
    const names = [...clients.matchAll(/ name=(\S+)/g)].map((match) => match[1])
    if (names.some((name) => name.startsWith(`${prefix}:worker:`))) {
      found.push({ role: 'worker', evidence: `Redis connections named ${prefix}:worker:*` })
    }
    if (names.some((name) => name.startsWith(`${prefix}:channels-`))) {
      found.push({ role: 'channels', evidence: `Redis connections named ${prefix}:channels-*` })
    }

    const leases = await countKeys(redis, `${prefix}:channels:lease:*`)
    if (leases > 0) {
      found.push({ role: 'channels', evidence: `${leases} channel instance lease(s) in Redis` })
    }
    return found
  } finally {
    redis.disconnect()
  }
}

async function countKeys(redis: ReturnType<typeof createRedisConnection>, pattern: string) {
  let cursor = '0'
  let count = 0
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    count += keys.length
  } while (cursor !== '0')
  return count
}

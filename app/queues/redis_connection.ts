import { Redis, type RedisOptions } from 'ioredis'
import logger from '@adonisjs/core/services/logger'
import { redisSettings } from '#config/redis'

const openConnections = new Set<Redis>()

/**
 * Builds an ioredis connection from the install's Redis settings. `purpose`
 * names the connection in logs and in `CLIENT LIST`. BullMQ workers need
 * `maxRetriesPerRequest: null`, which every connection made here has, so a
 * Redis restart makes commands wait for the reconnect instead of failing.
 */
export function createRedisConnection(purpose: string, overrides: RedisOptions = {}) {
  const settings = redisSettings()
  const connection = new Redis({
    host: settings.host,
    port: settings.port,
    username: settings.username,
    password: settings.password,
    db: settings.db,
    tls: settings.tls,
    connectionName: `${settings.keyPrefix}:${purpose}`,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    ...overrides,
  })

  connection.on('error', (error) => {
    logger.warn({ err: error, purpose }, 'redis connection error')
  })
  connection.on('end', () => openConnections.delete(connection))
  openConnections.add(connection)
  return connection
}

/**
 * The key prefix of this install, which every Redis key starts with.
 */
export function redisKeyPrefix() {
  return redisSettings().keyPrefix
}

/**
 * Closes every connection made by `createRedisConnection` that is still open.
 */
export async function closeRedisConnections() {
  const connections = [...openConnections]
  openConnections.clear()
  await Promise.all(
    connections.map((connection) => connection.quit().catch(() => connection.disconnect()))
  )
}

import type { Redis } from 'ioredis'
import { createRedisConnection } from '#queues/redis_connection'

let connection: Redis | undefined

/**
 * The engine's shared Redis connection in this process (clock, pace slots,
 * the set of queues with delayed engine jobs). Made again after
 * `closeRedisConnections` closed it.
 */
export function engineRedis() {
  if (!connection) {
    const created = createRedisConnection('engine')
    created.once('end', () => {
      if (connection === created) connection = undefined
    })
    connection = created
  }
  return connection
}

import { Queue, QueueEvents, Worker, type Processor, type WorkerOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import { createRedisConnection, redisKeyPrefix } from '#queues/redis_connection'

let sharedConnection: Redis | undefined
const queues = new Map<string, Queue>()

/**
 * The BullMQ prefix, `<REDIS_PREFIX>:bull`, so queues of several installs or
 * test runs never meet in one Redis server.
 */
export function bullPrefix() {
  return `${redisKeyPrefix()}:bull`
}

function producerConnection() {
  sharedConnection ??= createRedisConnection('producer')
  return sharedConnection
}

/**
 * Returns the queue of that name, made once per process. Producers share one
 * Redis connection.
 */
export function getQueue(name: string) {
  let queue = queues.get(name)
  if (!queue) {
    queue = new Queue(name, { connection: producerConnection(), prefix: bullPrefix() })
    queues.set(name, queue)
  }
  return queue
}

/**
 * Builds a worker on its own blocking connection, with the install's prefix.
 */
export function createWorker<Data = unknown, Result = unknown>(
  name: string,
  processor: Processor<Data, Result>,
  options: Omit<WorkerOptions, 'connection' | 'prefix'> = {}
) {
  return new Worker<Data, Result>(name, processor, {
    ...options,
    connection: createRedisConnection(`worker:${name}`),
    prefix: bullPrefix(),
  })
}

export function createQueueEvents(name: string) {
  return new QueueEvents(name, {
    connection: createRedisConnection(`events:${name}`),
    prefix: bullPrefix(),
  })
}

/**
 * Closes every queue made by `getQueue` and the shared producer connection.
 */
export async function closeQueues() {
  const open = [...queues.values()]
  queues.clear()
  await Promise.all(open.map((queue) => queue.close()))
  const connection = sharedConnection
  sharedConnection = undefined
  await connection?.quit().catch(() => connection.disconnect())
}

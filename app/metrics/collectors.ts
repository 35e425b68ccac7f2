import { Gauge } from 'prom-client'
import type { Redis } from 'ioredis'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Message from '#models/message'
import ChannelInstance from '#models/channel_instance'
import { bullPrefix, getQueue } from '#queues/queue_factory'
import { createRedisConnection } from '#queues/redis_connection'
import { registry } from '#metrics/registry'

/**
 * Metrics read at scrape time from the database and Redis, so every
 * process serving `/metrics` reports the whole install, whichever process
 * sent the messages or runs the queues.
 */

/** How long a list of discovered queue names is reused, in milliseconds. */
const QUEUE_DISCOVERY_TTL_MS = 30_000

let discovery: { names: string[]; at: number } | null = null
let scanConnection: Redis | undefined

/**
 * Names of the install's BullMQ queues: every `<prefix>:<queue>:meta` key
 * in Redis. BullMQ writes that key when a queue first receives a job, so
 * the outbound queue of each channel instance is found without a list.
 */
async function queueNames() {
  if (discovery && Date.now() - discovery.at < QUEUE_DISCOVERY_TTL_MS) {
    return discovery.names
  }
  scanConnection ??= createRedisConnection('metrics')
  const prefix = `${bullPrefix()}:`
  const names = new Set<string>()
  let cursor = '0'
  do {
    const [next, keys] = await scanConnection.scan(
      cursor,
      'MATCH',
      `${prefix}*:meta`,
      'COUNT',
      1000
    )
    cursor = next
    for (const key of keys) {
      names.add(key.slice(prefix.length, -':meta'.length))
    }
  } while (cursor !== '0')
  discovery = { names: [...names].sort(), at: Date.now() }
  return discovery.names
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const

async function oldestWaitingSeconds(name: string) {
  const [oldest] = await getQueue(name).getJobs(['wait'], 0, 0, true)
  if (!oldest) {
    return 0
  }
  const readyAt = oldest.timestamp + (oldest.delay ?? 0)
  return Math.max(0, (Date.now() - readyAt) / 1000)
}

new Gauge({
  name: 'disparador_queue_jobs',
  help: 'Jobs per BullMQ queue and state',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset()
    for (const name of await queueNames()) {
      const counts = await getQueue(name).getJobCounts(...QUEUE_STATES)
      for (const state of QUEUE_STATES) {
        this.set({ queue: name, state }, counts[state] ?? 0)
      }
    }
  },
})

new Gauge({
  name: 'disparador_queue_oldest_waiting_seconds',
  help: 'Age of the oldest job waiting for a worker, per BullMQ queue, in seconds; 0 when none waits',
  labelNames: ['queue'] as const,
  registers: [registry],
  async collect() {
    this.reset()
    for (const name of await queueNames()) {
      this.set({ queue: name }, await oldestWaitingSeconds(name))
    }
  },
})

new Gauge({
  name: 'disparador_messages',
  help: 'Messages per current status and channel, over every tenant',
  labelNames: ['status', 'channel', 'direction'] as const,
  registers: [registry],
  async collect() {
    const rows = await db
      .from(`${Message.table} as m`)
      .join(`${ChannelInstance.table} as i`, 'i.id', 'm.instance_id')
      .select('m.status', 'm.direction', 'i.channel')
      .count('* as total')
      .groupBy('m.status', 'm.direction', 'i.channel')
    this.reset()
    for (const row of rows) {
      this.set(
        { status: row.status, channel: row.channel, direction: row.direction },
        Number(row.total)
      )
    }
  },
})

new Gauge({
  name: 'disparador_channel_instance_status',
  help: 'One series per channel instance, labelled with its current connection status, value 1',
  labelNames: ['tenant_id', 'instance_id', 'channel', 'status'] as const,
  registers: [registry],
  async collect() {
    const rows = await db.from(ChannelInstance.table).select('id', 'tenant_id', 'channel', 'status')
    this.reset()
    for (const row of rows) {
      const labels = {
        tenant_id: String(row.tenant_id),
        instance_id: String(row.id),
        channel: row.channel,
        status: row.status,
      }
      this.set(labels, 1)
    }
  },
})

/**
 * Renders the registry in Prometheus' text format. A collector that fails
 * (Redis down) fails the scrape, which Prometheus reports as `up == 0`.
 */
export async function renderMetrics() {
  try {
    return await registry.metrics()
  } catch (error) {
    logger.error({ err: error }, 'metrics collection failed')
    throw error
  }
}

export const metricsContentType = registry.contentType

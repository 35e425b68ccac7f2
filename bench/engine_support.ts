/**
 * Shared steps of the flow engine benchmarks: boot the application in this
 * process, make a tenant with a paired sandbox instance, seed contacts and
 * publish a one-send campaign, using the same helpers as the tests.
 */
import 'reflect-metadata'
import { Ignitor } from '@adonisjs/core'

const APP_ROOT = new URL('../', import.meta.url)

/** Boots the application as a console process; returns it so the caller can terminate it. */
export async function bootApp() {
  const ignitor = new Ignitor(APP_ROOT, {
    importer: (filePath) =>
      filePath.startsWith('./') || filePath.startsWith('../')
        ? import(new URL(filePath, APP_ROOT).href)
        : import(filePath),
  })
  const app = ignitor.createApp('console')
  await app.init()
  await app.boot()
  await app.start(async () => {})
  return app
}

/** Closes the queues and Redis connections this process opened, then the application. */
export async function shutdown(app: Awaited<ReturnType<typeof bootApp>>) {
  const { closeQueues } = await import('#queues/queue_factory')
  const { closeRedisConnections } = await import('#queues/redis_connection')
  await closeQueues()
  await closeRedisConnections()
  await app.terminate()
}

/**
 * Samples the process's memory every 50 ms; `stop` returns the peaks in MB:
 * resident memory, the V8 heap in use, and memory outside the heap
 * (buffers of the database and Redis clients).
 */
export function sampleRss() {
  const peak = { rss: 0, heap: 0, external: 0 }
  const sample = () => {
    const usage = process.memoryUsage()
    peak.rss = Math.max(peak.rss, usage.rss)
    peak.heap = Math.max(peak.heap, usage.heapUsed)
    peak.external = Math.max(peak.external, usage.external)
  }
  sample()
  const timer = setInterval(sample, 50)
  return {
    stop() {
      clearInterval(timer)
      sample()
      const mb = (bytes: number) => Math.round(bytes / 1_048_576)
      return { rss: mb(peak.rss), heap: mb(peak.heap), external: mb(peak.external) }
    },
  }
}

/** The value at quantile `q` (0 to 1) of `values`, by the nearest-rank method. */
export function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]
}

export function phoneOf(index: number) {
  return `+5511${String(900_000_000 + index)}`
}

/**
 * Makes a tenant with `contacts` contacts in one list and a campaign whose
 * published flow sends one message, on `instanceIds`.
 */
export async function oneSendCampaign(options: {
  contacts: number
  instanceIds?: (tenantId: number) => Promise<number[]>
  attributes?: Record<string, unknown>
}) {
  const { createTenantWithOwner } = await import('#tests/helpers/accounts')
  const { graphEdge, graphNode, sendNode } = await import('#tests/helpers/campaigns')
  const { publishedCampaign, seedAudience } = await import('#tests/helpers/engine')

  const { tenant, owner } = await createTenantWithOwner('Bench')
  const contacts = Array.from({ length: options.contacts }, (_, index) => ({
    phone: phoneOf(index),
  }))
  const { listId } = await seedAudience(tenant.id, contacts)
  const instanceIds = options.instanceIds ? await options.instanceIds(tenant.id) : []
  const campaign = await publishedCampaign(
    tenant.id,
    owner.id,
    {
      nodes: [graphNode('start', 'start'), sendNode('hello', 'Olá {{name|você}}')],
      edges: [graphEdge('start', 'next', 'hello')],
    },
    { listIds: [listId], channelInstanceIds: instanceIds, ...options.attributes } as never
  )
  return { tenant, owner, campaign }
}

/** Pairs one sandbox instance that reports no receipts, for throughput runs. */
export async function quietSandbox(tenantId: number) {
  const { pairedSandbox } = await import('#tests/helpers/channels')
  const instance = await pairedSandbox(tenantId, { readReceipts: false, deliveredDelayMs: 0 })
  return instance.id
}

/**
 * Deletes the tenant's channel instances once the roles stopped, so the
 * channels role of a later run on the same database does not connect them
 * again (and replay their receipts) in the middle of its measurement.
 */
export async function deleteInstances(tenantId: number) {
  const { runInTenant } = await import('#tenancy/tenant_context')
  const { default: ChannelInstance } = await import('#models/channel_instance')
  const { deleteInstance } = await import('#services/channels/instance_service')
  await runInTenant(tenantId, async () => {
    for (const instance of await ChannelInstance.query()) {
      await deleteInstance(instance)
    }
  })
}

/**
 * Adds `count` no-op jobs in bulk to a new queue and drains them with one
 * worker at `concurrency`. Returns the jobs per second, from the add to the
 * last job's end.
 */
export async function bareBullmq(count: number, concurrency: number) {
  const { createWorker, getQueue } = await import('#queues/queue_factory')
  const name = `bench-noop-${Date.now()}-${concurrency}`
  const queue = getQueue(name)
  const jobs = Array.from({ length: count }, (_, index) => ({
    name: 'noop',
    data: { index },
    opts: { removeOnComplete: true },
  }))
  const started = performance.now()
  let done = 0
  let finish: () => void = () => undefined
  const drained = new Promise<void>((resolve) => (finish = resolve))
  const worker = createWorker(
    name,
    async () => {
      done += 1
      if (done === count) finish()
    },
    { concurrency }
  )
  worker.on('error', (error) => console.error('worker error', error))
  await queue.addBulk(jobs)
  await drained
  const seconds = (performance.now() - started) / 1000
  await worker.close()
  await queue.obliterate({ force: true })
  return count / seconds
}

/** Names of the server processes whose CPU time `serverCpu` reads. */
const SERVER_COMMANDS = ['mariadbd', 'mysqld', 'redis-server']

/** CPU time, in milliseconds, that process `pid` used so far, from /proc (0 once it is gone). */
export async function processCpuMs(pid: number) {
  const { readFile } = await import('node:fs/promises')
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // The command name is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name, in
    // ticks of 1/100 s (Linux's USER_HZ).
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/**
 * CPU time used so far by the database and Redis servers running on this
 * host, by server name, in milliseconds. Servers on another host, or
 * processes this user may not read, are left out.
 */
export async function serverCpu() {
  const { readdir, readFile } = await import('node:fs/promises')
  const totals = new Map<string, number>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const command = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '')
    const name = command.trim()
    if (SERVER_COMMANDS.includes(name)) {
      totals.set(name, (totals.get(name) ?? 0) + (await processCpuMs(Number(entry))))
    }
  }
  return totals
}

/** CPU milliseconds each server used between two `serverCpu` readings. */
export function serverCpuSpent(before: Map<string, number>, after: Map<string, number>) {
  return [...after].map(([name, ms]) => ({ name, ms: ms - (before.get(name) ?? 0) }))
}

/**
 * Reads how often the Redis server ran each command so far, from `INFO
 * commandstats`. The commands that Lua scripts (BullMQ's) run count as well
 * as each `evalsha` that started them.
 */
export async function redisCommandCalls() {
  const { createRedisConnection } = await import('#queues/redis_connection')
  const redis = createRedisConnection('bench-stats')
  const info = await redis.info('commandstats')
  redis.disconnect()
  const calls = new Map<string, number>()
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls.set(match[1], Number(match[2]))
  }
  return calls
}

/** Subtracts two `redisCommandCalls` readings, most called command first. */
export function redisCallsSpent(before: Map<string, number>, after: Map<string, number>) {
  return [...after]
    .map(([name, calls]) => ({ name, calls: calls - (before.get(name) ?? 0) }))
    .filter((entry) => entry.calls > 0)
    .sort((a, b) => b.calls - a.calls)
}

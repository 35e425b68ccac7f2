/**
 * Measures in one run, on the same Redis and database:
 *
 * 1. bare BullMQ: MESSAGES no-op jobs added in bulk and drained by one
 *    worker, at concurrency 1 (the outbound worker's, one per number) and
 *    at the journey worker's concurrency;
 * 2. the flow engine: a campaign of MESSAGES contacts with pacing off,
 *    from the start to the finish, through the journey jobs, the outbound
 *    queue and the sandbox channel, on INSTANCES numbers (default 1).
 *
 * It prints the engine's rate against both bare rates. The engine runs its
 * journey steps at concurrency 100 and a number's sends at 32, so the bare
 * rate at the higher concurrency is the closer one. QUERY_KINDS=1 also
 * prints the statements sent most often, per message.
 *
 * By default this process runs both roles, like the embedded default.
 * WORKER_PROCESSES=N runs the worker role in N separate `worker` processes
 * instead, as a production install does, while this process keeps the
 * channels role. The figures then add up the CPU of every process of the
 * product. In both cases the CPU time the database and Redis servers on
 * this host spent during the run is printed too.
 *
 *   DB_DATABASE=disparador_bench REDIS_PREFIX=bench-$(date +%s) \
 *     node --import @poppinss/ts-exec bench/engine_throughput.ts
 */
import {
  bareBullmq,
  bootApp,
  deleteInstances,
  oneSendCampaign,
  processCpuMs,
  quietSandbox,
  redisCallsSpent,
  redisCommandCalls,
  serverCpu,
  serverCpuSpent,
  shutdown,
} from './engine_support.js'

const MESSAGES = Number(process.env.MESSAGES ?? 2000)
const INSTANCES = Number(process.env.INSTANCES ?? 1)
const JOURNEY_CONCURRENCY = 20
const WORKER_PROCESSES = Number(process.env.WORKER_PROCESSES ?? 0)

const app = await bootApp()
const { default: db } = await import('@adonisjs/lucid/services/db')
const { startChannelsRole } = await import('#tests/helpers/channels')
const { startCampaign, startWorkerRole, waitForCampaignState } =
  await import('#tests/helpers/engine')
const { startNode } = await import('#tests/helpers/processes')
const { keepSqliteStatistics } = await import('#services/database/sqlite_statistics')
const { default: logger } = await import('@adonisjs/core/services/logger')
const { Session } = await import('node:inspector/promises')
const { writeFile } = await import('node:fs/promises')

/** Profiles this process's CPU until `stop` writes the profile to `file`. */
async function startProfile(file: string | undefined) {
  if (!file) return { stop: async () => {} }
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop')
      await writeFile(file, JSON.stringify(profile))
      session.disconnect()
    },
  }
}

/**
 * Starts the worker role in a separate process, from the compiled entry
 * point when this script runs compiled, and waits until it takes jobs.
 */
async function startWorkerProcess() {
  const entry = import.meta.url.endsWith('.ts') ? ['ace'] : ['bin/console.js']
  const child = startNode([...entry, 'worker'], { LOG_LEVEL: 'info' })
  await child.waitForOutput(/worker role started/, 60_000)
  return child
}

/** Starts the worker role: in this process, or in WORKER_PROCESSES processes. */
async function startWorkers() {
  if (WORKER_PROCESSES === 0) {
    const role = await startWorkerRole()
    // As a process of the product does, keep SQLite's statistics current.
    const stopStatistics = keepSqliteStatistics(logger)
    return {
      pids: [] as number[],
      stop: () => {
        stopStatistics()
        return role.stop()
      },
    }
  }
  const children = await Promise.all(
    Array.from({ length: WORKER_PROCESSES }, () => startWorkerProcess())
  )
  return {
    pids: children.map((child) => child.child.pid!),
    async stop() {
      for (const child of children) child.child.kill('SIGTERM')
      await Promise.all(children.map((child) => child.waitForExit(60_000)))
    },
  }
}

/** CPU milliseconds the worker processes used so far. */
async function workersCpuMs(pids: number[]) {
  let total = 0
  for (const pid of pids) total += await processCpuMs(pid)
  return total
}

/**
 * Counts the SQL queries this process sends from now on, in total and per
 * statement text (values stay placeholders); `stop` returns both.
 */
function countQueries() {
  const clients = new Set([db.connection().getWriteClient(), db.connection().getReadClient()])
  let count = 0
  const kinds = new Map<string, number>()
  const listener = (query: { sql?: string }) => {
    count++
    const sql = query.sql ?? '?'
    kinds.set(sql, (kinds.get(sql) ?? 0) + 1)
  }
  for (const client of clients) client.on('query', listener)
  return {
    stop() {
      for (const client of clients) client.off('query', listener)
      return { count, kinds }
    },
  }
}

/** Prints the statements sent most often, per message, when QUERY_KINDS is set. */
function printQueryKinds(kinds: Map<string, number>) {
  const sorted = [...kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)
  for (const [sql, count] of sorted) {
    console.log(`${(count / MESSAGES).toFixed(2).padStart(7)}  ${sql.slice(0, 200)}`)
  }
}

const bareRates = new Map<number, number>()
for (const concurrency of [1, JOURNEY_CONCURRENCY]) {
  const rate = await bareBullmq(MESSAGES, concurrency)
  bareRates.set(concurrency, rate)
  console.log(`bare BullMQ no-op jobs, concurrency ${concurrency}: ${Math.round(rate)} jobs/s`)
}

const channels = await startChannelsRole()
const worker = await startWorkers()
const { tenant, owner, campaign } = await oneSendCampaign({
  contacts: MESSAGES,
  instanceIds: async (tenantId) => {
    const ids: number[] = []
    for (let index = 0; index < INSTANCES; index++) ids.push(await quietSandbox(tenantId))
    return ids
  },
})
const queries = countQueries()
const cpuBefore = process.cpuUsage()
const workersBefore = await workersCpuMs(worker.pids)
const serversBefore = await serverCpu()
const redisBefore = await redisCommandCalls()
const profile = await startProfile(process.env.CPU_PROFILE)
const started = performance.now()
await startCampaign(campaign, owner.id)
await waitForCampaignState(campaign, 'finished', 30 * 60_000)
const seconds = (performance.now() - started) / 1000
await profile.stop()
const cpu = process.cpuUsage(cpuBefore)
const topology =
  WORKER_PROCESSES === 0 ? 'both roles in one process' : `${WORKER_PROCESSES} worker process(es)`
const workersMs = (await workersCpuMs(worker.pids)) - workersBefore
const servers = serverCpuSpent(serversBefore, await serverCpu())
const redisCalls = redisCallsSpent(redisBefore, await redisCommandCalls())
console.log(
  `engine, ${MESSAGES} messages on ${INSTANCES} number(s), ${topology}, pacing off: ${seconds.toFixed(1)} s, ${(MESSAGES / seconds).toFixed(1)} messages/s`
)
for (const [concurrency, rate] of bareRates) {
  const share = (100 * MESSAGES) / seconds / rate
  console.log(`engine against bare BullMQ at concurrency ${concurrency}: ${share.toFixed(1)} %`)
}
const counted = queries.stop()
const ownMs = (cpu.user + cpu.system) / 1000
if (WORKER_PROCESSES === 0) {
  console.log(
    `per message: ${(counted.count / MESSAGES).toFixed(1)} SQL queries, ${(ownMs / MESSAGES).toFixed(2)} ms of this process's CPU`
  )
} else {
  console.log(
    `per message: ${(counted.count / MESSAGES).toFixed(1)} SQL queries of the channels process, ${(ownMs / MESSAGES).toFixed(2)} ms of its CPU, ${(workersMs / MESSAGES).toFixed(2)} ms of the ${WORKER_PROCESSES} worker process(es)' CPU`
  )
}
for (const { name, ms } of servers) {
  console.log(`per message: ${(ms / MESSAGES).toFixed(2)} ms of ${name} CPU`)
}
const redisTotal = redisCalls.reduce((sum, entry) => sum + entry.calls, 0)
const redisTop = redisCalls
  .slice(0, 6)
  .map((entry) => `${entry.name} ${(entry.calls / MESSAGES).toFixed(2)}`)
  .join(', ')
console.log(`per message: ${(redisTotal / MESSAGES).toFixed(1)} Redis commands (${redisTop})`)
if (process.env.QUERY_KINDS) {
  printQueryKinds(counted.kinds)
}

await worker.stop()
await channels.stop()
await deleteInstances(tenant.id)
await shutdown(app)

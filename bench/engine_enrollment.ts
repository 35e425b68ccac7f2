/**
 * Enrolls a campaign of 100,000 contacts (CONTACTS to change it) through
 * the real enrollment job on BullMQ, against the configured database. The
 * script seeds the contacts, then starts the campaign and runs the job in
 * a second process that holds only the booted application and the worker,
 * as a worker process of an install does, started with the Node flags of
 * the worker command in compose.yaml. That process prints the time from
 * the campaign's start to the end of its enrollment and its CPU time in
 * that span. It also prints its resident memory before the start and at
 * its peak (the kernel's VmHWM), and the peak V8 heap in use. No journey
 * worker runs, so the enrolled journeys' first steps stay queued and
 * nothing is sent; the script removes that queue before it exits.
 *
 *   DB_DATABASE=disparador_bench REDIS_PREFIX=bench-$(date +%s) \
 *     node --import @poppinss/ts-exec bench/engine_enrollment.ts
 *
 * A production worker runs compiled JavaScript: compile with
 * `npx tsc --outDir DIR`, copy `package.json`, `.env`, `compose.yaml`,
 * `resources/`, the plugins' `plugin.json` and `lang/` folders and
 * `node_modules` into DIR, and run `node DIR/bench/engine_enrollment.js`.
 * WORKER_NODE_FLAGS replaces the flags of compose.yaml, and an empty
 * value runs the enrolling process without any.
 *
 * Run `node ace migration:run --force` on that database first.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { bootApp, oneSendCampaign, sampleRss, shutdown } from './engine_support.js'

const CONTACTS = Number(process.env.CONTACTS ?? 100_000)
const ENROLL_CAMPAIGN = process.env.BENCH_ENROLL_CAMPAIGN

/** Reads the kernel's peak resident set size of this process (VmHWM), in MB. */
async function residentPeakMb() {
  const status = await readFile('/proc/self/status', 'utf8')
  const match = status.match(/^VmHWM:\s+(\d+) kB/m)
  return match ? Math.round(Number(match[1]) / 1024) : null
}

/**
 * Reads the Node flags of the worker command in compose.yaml, the part
 * between `node` and `ace`, unless WORKER_NODE_FLAGS is set.
 */
async function workerNodeFlags() {
  const override = process.env.WORKER_NODE_FLAGS
  if (override !== undefined) {
    return override.split(/\s+/).filter(Boolean)
  }
  const composeFile = new URL('../compose.yaml', import.meta.url)
  const compose = await readFile(composeFile, 'utf8')
  const match = compose.match(/^\s+command: (\["node",.*"ace", "worker"\])$/m)
  if (!match) {
    throw new Error(
      `worker command ["node", ..., "ace", "worker"] not found in ${fileURLToPath(composeFile)}. Copy compose.yaml next to the compiled files or set WORKER_NODE_FLAGS.`
    )
  }
  const command: string[] = JSON.parse(match[1])
  return command.slice(1, command.indexOf('ace'))
}

/** Starts the campaign and runs its enrollment job to the end, in the second process. */
async function enrollInThisProcess(campaignId: number, userId: number) {
  const app = await bootApp()
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { createWorker } = await import('#queues/queue_factory')
  const { findJob } = await import('#queues/job_registry')
  const { CONTROL_QUEUE } = await import('#engine/engine_queues')
  const { startCampaign } = await import('#tests/helpers/engine')
  const { runInTenant } = await import('#tenancy/tenant_context')
  const { default: Campaign } = await import('#models/campaign')
  await import('#start/jobs')

  const stored = await db.from('campaigns').where('id', campaignId).firstOrFail()
  const campaign = await runInTenant(stored.tenant_id, () => Campaign.findOrFail(campaignId))
  const enroll = findJob(CONTROL_QUEUE, 'enroll')!
  const worker = createWorker(CONTROL_QUEUE, (job) => enroll.handle(job), { concurrency: 1 })
  worker.on('error', (error) => console.error('worker error', error))
  await worker.waitUntilReady()

  const baseline = Math.round(process.memoryUsage().rss / 1_048_576)
  const memory = sampleRss()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  await startCampaign(campaign, userId)
  for (;;) {
    const run = await db.from('campaign_runs').where('campaign_id', campaignId).first()
    if (run?.enrollment_finished_at) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const peak = memory.stop()
  console.log(`enrollment: ${seconds.toFixed(2)} s, ${Math.round(CONTACTS / seconds)} journeys/s`)
  console.log(`CPU time of the enrolling process: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`)
  console.log(
    `worker process: RSS ${baseline} MB before the start, peak RSS ${await residentPeakMb()} MB (sampled ${peak.rss} MB), peak V8 heap used ${peak.heap} MB`
  )
  await worker.close()
  await shutdown(app)
}

/** Runs this script again as the enrolling process, with the worker's Node flags, and waits for it. */
async function runEnrollingProcess(campaignId: number, userId: number) {
  const flags = await workerNodeFlags()
  console.log(`enrolling process flags: ${flags.join(' ') || 'none'}`)
  const args = [...process.execArgv, ...flags, fileURLToPath(import.meta.url)]
  const child = spawn(process.execPath, args, {
    env: { ...process.env, BENCH_ENROLL_CAMPAIGN: `${campaignId}:${userId}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`enrolling process exited with ${code}`))
    )
  })
}

/**
 * Publishes the enrolled campaign's progress three times and prints the
 * mean cost and the spacing between publications that cost gives.
 */
async function measureProgressPublication(campaign: { id: number; tenantId: number }) {
  const { runInTenant } = await import('#tenancy/tenant_context')
  const { progressSpacing, publishProgress, recordPublicationCost } =
    await import('#engine/campaign_progress')
  let totalMs = 0
  for (let run = 0; run < 3; run++) {
    const started = performance.now()
    await runInTenant(campaign.tenantId, () => publishProgress(campaign.tenantId, campaign.id))
    totalMs += performance.now() - started
  }
  recordPublicationCost(campaign.id, totalMs / 3)
  console.log(
    `progress publication: ${(totalMs / 3).toFixed(0)} ms, next one after ${progressSpacing(campaign.id)} ms`
  )
}

async function seedAndMeasure() {
  const app = await bootApp()
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { getQueue } = await import('#queues/queue_factory')
  const { JOURNEY_QUEUE } = await import('#engine/engine_queues')
  const { createInstance } = await import('#services/channels/instance_service')
  const { runInTenant } = await import('#tenancy/tenant_context')

  const seeding = performance.now()
  const { owner, campaign } = await oneSendCampaign({
    contacts: CONTACTS,
    // An instance that is never connected: enrollment only assigns it to the journeys.
    instanceIds: async (tenantId) => {
      const instance = await runInTenant(tenantId, () =>
        createInstance({ name: 'Bench', channel: 'sandbox' })
      )
      return [instance.id]
    },
  })
  const seedSeconds = (performance.now() - seeding) / 1000
  console.log(`seeded ${CONTACTS} contacts in ${seedSeconds.toFixed(1)} s`)

  await runEnrollingProcess(campaign.id, owner.id)

  const [{ total }] = await db
    .from('journeys')
    .where('campaign_id', campaign.id)
    .count('* as total')
  const queued = await getQueue(JOURNEY_QUEUE).getWaitingCount()
  console.log(`journeys: ${Number(total)}, first steps queued: ${queued}`)
  await measureProgressPublication(campaign)

  await getQueue(JOURNEY_QUEUE).obliterate({ force: true })
  await shutdown(app)
}

if (ENROLL_CAMPAIGN) {
  const [campaignId, userId] = ENROLL_CAMPAIGN.split(':').map(Number)
  await enrollInThisProcess(campaignId, userId)
} else {
  await seedAndMeasure()
}

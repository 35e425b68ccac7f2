/**
 * Enrolls a campaign of 100,000 contacts (CONTACTS to change it) through
 * the real enrollment job on BullMQ, against the configured database. The
 * script seeds the contacts, then starts the campaign and runs the job in
 * a second process that holds only the booted application and the worker,
 * as a worker process of an install does. That process prints the time from
 * the campaign's start to the end of its enrollment and its memory: the
 * resident memory before the start and at its peak (the kernel's VmHWM),
 * and the peak V8 heap in use. No journey worker runs, so the enrolled
 * journeys' first steps stay queued and nothing is sent; the script
 * removes that queue before it exits.
 *
 *   DB_DATABASE=disparador_bench REDIS_PREFIX=bench-$(date +%s) \
 *     node --import @poppinss/ts-exec bench/engine_enrollment.ts
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
  const started = performance.now()
  await startCampaign(campaign, userId)
  for (;;) {
    const run = await db.from('campaign_runs').where('campaign_id', campaignId).first()
    if (run?.enrollment_finished_at) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const seconds = (performance.now() - started) / 1000
  const peak = memory.stop()
  console.log(`enrollment: ${seconds.toFixed(2)} s, ${Math.round(CONTACTS / seconds)} journeys/s`)
  console.log(
    `worker process: RSS ${baseline} MB before the start, peak RSS ${await residentPeakMb()} MB (sampled ${peak.rss} MB), peak V8 heap used ${peak.heap} MB`
  )
  await worker.close()
  await shutdown(app)
}

/** Runs this script again as the enrolling process and waits for it. */
function runEnrollingProcess(campaignId: number, userId: number) {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_ENROLL_CAMPAIGN: `${campaignId}:${userId}` },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  return new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`enrolling process exited with ${code}`))
    )
  })
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

  await getQueue(JOURNEY_QUEUE).obliterate({ force: true })
  await shutdown(app)
}

if (ENROLL_CAMPAIGN) {
  const [campaignId, userId] = ENROLL_CAMPAIGN.split(':').map(Number)
  await enrollInThisProcess(campaignId, userId)
} else {
  await seedAndMeasure()
}

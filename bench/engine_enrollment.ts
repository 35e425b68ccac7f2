/**
 * Enrolls a campaign of 100,000 contacts (CONTACTS to change it) through
 * the real enrollment job on BullMQ, against the configured database. It
 * prints the time from the campaign's start to the end of its enrollment
 * and the peak resident memory of the process. No journey worker runs, so
 * the enrolled journeys' first steps stay queued and nothing is sent; the
 * script removes that queue before it exits.
 *
 *   DB_DATABASE=disparador_bench REDIS_PREFIX=bench-$(date +%s) \
 *     node --import @poppinss/ts-exec bench/engine_enrollment.ts
 *
 * Run `node ace migration:run --force` on that database first.
 */
import { bootApp, oneSendCampaign, sampleRss, shutdown } from './engine_support.js'

const CONTACTS = Number(process.env.CONTACTS ?? 100_000)

const app = await bootApp()
const { default: db } = await import('@adonisjs/lucid/services/db')
const { createWorker, getQueue } = await import('#queues/queue_factory')
const { findJob } = await import('#queues/job_registry')
const { CONTROL_QUEUE, JOURNEY_QUEUE } = await import('#engine/engine_queues')
const { startCampaign } = await import('#tests/helpers/engine')
const { createInstance } = await import('#services/channels/instance_service')
const { runInTenant } = await import('#tenancy/tenant_context')
await import('#start/jobs')

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
console.log(`seeded ${CONTACTS} contacts in ${((performance.now() - seeding) / 1000).toFixed(1)} s`)

const enroll = findJob(CONTROL_QUEUE, 'enroll')!
const worker = createWorker(CONTROL_QUEUE, (job) => enroll.handle(job), { concurrency: 1 })
worker.on('error', (error) => console.error('worker error', error))

const rss = sampleRss()
const baseline = Math.round(process.memoryUsage().rss / 1_048_576)
const started = performance.now()
await startCampaign(campaign, owner.id)
for (;;) {
  const run = await db.from('campaign_runs').where('campaign_id', campaign.id).first()
  if (run?.enrollment_finished_at) break
  await new Promise((resolve) => setTimeout(resolve, 50))
}
const seconds = (performance.now() - started) / 1000
const peak = rss.stop()

const [{ total }] = await db.from('journeys').where('campaign_id', campaign.id).count('* as total')
const queued = await getQueue(JOURNEY_QUEUE).getWaitingCount()
console.log(`journeys: ${Number(total)}, first steps queued: ${queued}`)
console.log(
  `enrollment: ${seconds.toFixed(2)} s, ${Math.round(Number(total) / seconds)} journeys/s`
)
console.log(`RSS before the start: ${baseline} MB, peak RSS: ${peak} MB`)

await worker.close()
await getQueue(JOURNEY_QUEUE).obliterate({ force: true })
await shutdown(app)

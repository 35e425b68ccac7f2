/**
 * The minimum work of one flow engine send, measured next to bare
 * BullMQ no-op jobs in the same run. It runs only what the engine's
 * guarantees require of a one-send journey, and nothing of the product:
 *
 * 1. a journey step job with its deterministic id and the engine's job
 *    options, on a queue worked at the journey worker's concurrency;
 * 2. the step stores its message row before the send (one multi-row
 *    `INSERT IGNORE` on the unique `(journey_id, journey_step)` key for all
 *    the steps of a batch, read back by that key) and marks its journey
 *    `sending` with the message id (one `CASE` update);
 * 3. it adds the send as a job named after the message, with the options
 *    of a campaign send, on the number's outbound queue (one `addBulk` per
 *    batch);
 * 4. the send job marks its message `sent` and its journey `ended` (one
 *    update of each table per batch).
 *
 * No model, event, broadcast, tenant check, channel or report runs, so the
 * rate it prints is an upper bound for the engine on this machine. The
 * rows go to two scratch tables, created and dropped by the run.
 *
 *   DB_CONNECTION=mysql DB_DATABASE=disparador_bench REDIS_PREFIX=bench-$(date +%s) \
 *     node --import @poppinss/ts-exec bench/engine_floor.ts
 */
import { bareBullmq, bootApp, shutdown } from './engine_support.js'

const MESSAGES = Number(process.env.MESSAGES ?? 4000)
const STEP_CONCURRENCY = Number(process.env.STEP_CONCURRENCY ?? 100)

const app = await bootApp()
const { default: db } = await import('@adonisjs/lucid/services/db')
const { createWorker, getQueue } = await import('#queues/queue_factory')
const { KeyedBatcher } = await import('#plugins/sdk/batching')
const { JOURNEY_JOB_OPTIONS } = await import('#engine/engine_queues')
const { CAMPAIGN_SEND_PRIORITY, OUTBOUND_JOB_OPTIONS } =
  await import('#services/channels/outbound_queue')
const { SANDBOX_CONCURRENT_SENDS } = await import('../plugins/sandbox/index.js')
const SEND_CONCURRENCY = Number(process.env.SEND_CONCURRENCY ?? SANDBOX_CONCURRENT_SENDS)

const JOURNEYS = 'bench_floor_journeys'
const MESSAGE_ROWS = 'bench_floor_messages'

async function createTables() {
  const schema = db.connection().schema
  await schema.dropTableIfExists(MESSAGE_ROWS)
  await schema.dropTableIfExists(JOURNEYS)
  await schema.createTable(JOURNEYS, (table) => {
    table.increments('id')
    table.string('state', 16).notNullable()
    table.integer('step').notNullable()
    table.integer('send_message_id').nullable()
  })
  await schema.createTable(MESSAGE_ROWS, (table) => {
    table.increments('id')
    table.integer('journey_id').notNullable()
    table.integer('journey_step').notNullable()
    table.string('status', 16).notNullable()
    table.string('provider_message_id', 64).notNullable()
    table.text('body').notNullable()
    table.unique(['journey_id', 'journey_step'])
  })
  for (let first = 0; first < MESSAGES; first += 1000) {
    const count = Math.min(1000, MESSAGES - first)
    await db
      .table(JOURNEYS)
      .multiInsert(Array.from({ length: count }, () => ({ state: 'active', step: 1 })))
  }
}

interface StepData {
  journeyId: number
  step: number
}

/** Stores the batch's messages and marks their journeys sending. Returns message ids by journey. */
async function storeMessages(steps: StepData[]) {
  const rows = steps.map((step) => ({
    journey_id: step.journeyId,
    journey_step: step.step,
    status: 'queued',
    provider_message_id: `floor-${step.journeyId}-${step.step}`,
    body: `Olá, contato ${step.journeyId}`,
  }))
  await db.knexQuery().table(MESSAGE_ROWS).insert(rows).onConflict().ignore()
  const stored: { id: number; journey_id: number }[] = await db
    .from(MESSAGE_ROWS)
    .select('id', 'journey_id')
    .whereIn(
      ['journey_id', 'journey_step'],
      steps.map((step) => [step.journeyId, step.step])
    )
  const cases = stored.map(() => 'when ? then ?').join(' ')
  await db.rawQuery(
    `update ${JOURNEYS} set state = 'sending', send_message_id = case id ${cases} end where id in (${stored.map(() => '?').join(', ')})`,
    [...stored.flatMap((row) => [row.journey_id, row.id]), ...stored.map((row) => row.journey_id)]
  )
  return new Map(stored.map((row) => [row.journey_id, row.id]))
}

async function markSent(sends: { messageId: number; journeyId: number }[]) {
  await db
    .from(MESSAGE_ROWS)
    .whereIn(
      'id',
      sends.map((send) => send.messageId)
    )
    .update({ status: 'sent' })
  await db
    .from(JOURNEYS)
    .whereIn(
      'id',
      sends.map((send) => send.journeyId)
    )
    .update({ state: 'ended' })
}

async function floorRun() {
  const stamp = Date.now()
  const stepQueue = getQueue(`bench-floor-steps-${stamp}`)
  const sendQueue = getQueue(`bench-floor-sends-${stamp}`)
  const stores = new KeyedBatcher<number, StepData, Map<number, number>>((_, steps) =>
    storeMessages(steps)
  )
  const sendAdds = new KeyedBatcher<number, { name: string; data: unknown; opts: object }, unknown>(
    (_, jobs) => sendQueue.addBulk(jobs)
  )
  const sentMarks = new KeyedBatcher<number, { messageId: number; journeyId: number }, void>(
    (_, sends) => markSent(sends)
  )

  let done = 0
  let finish: () => void = () => undefined
  const drained = new Promise<void>((resolve) => (finish = resolve))
  const stepWorker = createWorker<StepData>(
    stepQueue.name,
    async (job) => {
      const ids = await stores.add(0, job.data)
      const messageId = ids.get(job.data.journeyId)!
      await sendAdds.add(0, {
        name: 'send',
        data: { messageId, journeyId: job.data.journeyId },
        opts: {
          ...OUTBOUND_JOB_OPTIONS,
          jobId: `message-${messageId}`,
          priority: CAMPAIGN_SEND_PRIORITY,
        },
      })
    },
    { concurrency: STEP_CONCURRENCY }
  )
  const sendWorker = createWorker<{ messageId: number; journeyId: number }>(
    sendQueue.name,
    async (job) => {
      await sentMarks.add(0, job.data)
      done += 1
      if (done === MESSAGES) finish()
    },
    { concurrency: SEND_CONCURRENCY }
  )

  const journeys: { id: number }[] = await db.from(JOURNEYS).select('id').orderBy('id')
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  for (let first = 0; first < journeys.length; first += 1000) {
    await stepQueue.addBulk(
      journeys.slice(first, first + 1000).map((journey) => ({
        name: 'run',
        data: { journeyId: journey.id, step: 1 },
        opts: { ...JOURNEY_JOB_OPTIONS, jobId: `j-1-${journey.id}-hello-1-run` },
      }))
    )
  }
  await drained
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  await stepWorker.close()
  await sendWorker.close()
  await stepQueue.obliterate({ force: true })
  await sendQueue.obliterate({ force: true })
  return { rate: MESSAGES / seconds, cpuMs: (cpu.user + cpu.system) / 1000 / MESSAGES }
}

const bare = await bareBullmq(MESSAGES, 1)
console.log(`bare BullMQ no-op jobs, concurrency 1: ${Math.round(bare)} jobs/s`)
await createTables()
const floor = await floorRun()
const ended = await db.from(JOURNEYS).where('state', 'ended').count('* as total')
console.log(
  `engine floor, ${MESSAGES} sends (steps at ${STEP_CONCURRENCY}, sends at ${SEND_CONCURRENCY}): ${Math.round(floor.rate)} messages/s, ${((100 * floor.rate) / bare).toFixed(1)} % of bare BullMQ, ${floor.cpuMs.toFixed(2)} ms of CPU per message, ${ended[0].total} journeys ended`
)
await db.connection().schema.dropTableIfExists(MESSAGE_ROWS)
await db.connection().schema.dropTableIfExists(JOURNEYS)
await shutdown(app)

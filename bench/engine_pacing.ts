/**
 * Sends MESSAGES messages (default 60) from one sandbox number paced at one
 * message a second, with the campaign's minimum and maximum interval both
 * 1 s. It prints how far each send started from its reserved slot and how
 * far each gap between two sends was from 1,000 ms: p50, p99 and the
 * maximum, in milliseconds. Send times are the outbound jobs' `processedOn`.
 *
 *   DB_DATABASE=disparador_bench REDIS_PREFIX=bench-$(date +%s) \
 *     node --import @poppinss/ts-exec bench/engine_pacing.ts
 */
import {
  bootApp,
  deleteInstances,
  oneSendCampaign,
  quantile,
  quietSandbox,
  shutdown,
} from './engine_support.js'

const MESSAGES = Number(process.env.MESSAGES ?? 60)

const app = await bootApp()
const { getQueue } = await import('#queues/queue_factory')
const { outboundQueueName } = await import('#services/channels/outbound_queue')
const { startChannelsRole } = await import('#tests/helpers/channels')
const { campaignMessages, startCampaign, startWorkerRole, waitForCampaignState } =
  await import('#tests/helpers/engine')

const channels = await startChannelsRole()
const worker = await startWorkerRole()
const { tenant, owner, campaign } = await oneSendCampaign({
  contacts: MESSAGES,
  instanceIds: async (tenantId) => [await quietSandbox(tenantId)],
  attributes: { minIntervalSeconds: 1, maxIntervalSeconds: 1 },
})
await startCampaign(campaign, owner.id)
await waitForCampaignState(campaign, 'finished', (MESSAGES + 60) * 1000)

const sends: { slot: number; started: number }[] = []
for (const message of await campaignMessages(campaign)) {
  const job = await getQueue(outboundQueueName(message.instanceId)).getJob(`message-${message.id}`)
  sends.push({ slot: Date.parse(job!.data.dueAt), started: job!.processedOn! })
}
sends.sort((a, b) => a.started - b.started)
const lateness = sends.map((send) => send.started - send.slot)
const gaps = sends.slice(1).map((send, index) => send.started - sends[index].started)
const gapErrors = gaps.map((gap) => Math.abs(gap - 1000))

function describe(values: number[]) {
  const p50 = quantile(values, 0.5)
  const p99 = quantile(values, 0.99)
  return `p50 ${p50} ms, p99 ${p99} ms, max ${Math.max(...values)} ms (n=${values.length})`
}
console.log(`send start after its slot: ${describe(lateness)}`)
console.log(`gap deviation from 1,000 ms: ${describe(gapErrors)}`)

await worker.stop()
await channels.stop()
await deleteInstances(tenant.id)
await shutdown(app)

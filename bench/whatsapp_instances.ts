/**
 * Connects INSTANCES WhatsApp instances (default 20) to the loopback
 * WhatsApp Web peer, all in this one channels process, then sends MESSAGES
 * text messages (default 1000) spread over them. Prints the resident memory
 * the connected instances added, per instance, and the send throughput
 * from the release of the queued messages to `sent` in the database and to
 * decryption by the simulated contacts. The peer runs in a child process
 * (`bench/whatsapp_peer_process.ts`), so its memory is not counted.
 *
 *   DB_CONNECTION=mysql DB_DATABASE=disparador_bench REDIS_PREFIX=bench-$(date +%s) \
 *     node --expose-gc --import @poppinss/ts-exec bench/whatsapp_instances.ts
 */
import { fork } from 'node:child_process'
import { bootApp, shutdown } from './engine_support.js'

const INSTANCES = Number(process.env.INSTANCES ?? 20)
const MESSAGES = Number(process.env.MESSAGES ?? 1000)
const CONTACTS = 50

/** The peer's child process and a request function over IPC. */
async function startPeerProcess() {
  const child = fork(new URL('./whatsapp_peer_process.ts', import.meta.url), {
    execArgv: ['--import', '@poppinss/ts-exec'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  // The peer must not outlive this script, whether it ends or fails.
  process.on('exit', () => child.kill())
  let nextId = 0
  const pending = new Map<number, { resolve: (value: any) => void; reject: (e: Error) => void }>()
  const ready = new Promise<{ url: string; rootKey: string; serial: number }>((resolve) => {
    child.on('message', (message: any) => {
      if (message.ready) {
        resolve(message)
        return
      }
      const waiter = pending.get(message.id)
      pending.delete(message.id)
      if (message.error) {
        waiter?.reject(new Error(message.error))
      } else {
        waiter?.resolve(message.result)
      }
    })
  })
  const request = (body: Record<string, unknown>) =>
    new Promise<any>((resolve, reject) => {
      const id = ++nextId
      pending.set(id, { resolve, reject })
      child.send({ id, ...body })
    })
  return { child, request, ...(await ready) }
}

function settledRss() {
  globalThis.gc?.()
  globalThis.gc?.()
  return process.memoryUsage().rss
}

/** Waits up to two minutes: on a loaded machine a login after the restart can take long. */
async function waitForOpen(tenantId: number, instanceId: number) {
  return waitFor(
    async () => {
      const instance = await loadInstance(tenantId, instanceId)
      return instance.status === 'open' ? instance : null
    },
    `instance ${instanceId} to open`,
    120_000
  )
}

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1)
const accountPhone = (index: number) => `+5511976${String(index).padStart(6, '0')}`
const contactPhone = (index: number) => `+5511977${String(index).padStart(6, '0')}`

const peer = await startPeerProcess()
process.env.WHATSAPP_WEBSOCKET_URL = peer.url
process.env.WHATSAPP_TEST_ROOT_PUBLIC_KEY = peer.rootKey
process.env.WHATSAPP_TEST_ROOT_SERIAL = String(peer.serial)

const app = await bootApp()
const { runInTenant } = await import('#tenancy/tenant_context')
const { default: db } = await import('@adonisjs/lucid/services/db')
const { createInstance, requestConnect } = await import('#services/channels/instance_service')
const { loadInstance, startChannelsRole, waitFor, waitForStatus, queueMessage } =
  await import('#tests/helpers/channels')
const { createTenantWithOwner } = await import('#tests/helpers/accounts')
const { getQueue } = await import('#queues/queue_factory')
const { outboundQueueName } = await import('#services/channels/outbound_queue')

for (let index = 0; index < CONTACTS; index++) {
  await peer.request({ action: 'addContact', phone: contactPhone(index) })
}
// Instances of an earlier run of this script are left `reconnecting` by the
// hand-over at its end; close them so this run's channels role ignores them.
await db
  .from('channel_instances')
  .where('channel', 'whatsapp')
  .where('name', 'like', 'Bench %')
  .update({ status: 'closed' })
const role = await startChannelsRole(15_000)
const { tenant } = await createTenantWithOwner()
const baseline = settledRss()

const connectStarted = performance.now()
const instances = []
for (let index = 0; index < INSTANCES; index++) {
  const instance = await runInTenant(tenant.id, () =>
    createInstance({ name: `Bench ${index}`, channel: 'whatsapp', config: {} })
  )
  await runInTenant(tenant.id, () => requestConnect(instance))
  const pairing = await waitForStatus(tenant.id, instance.id, 'qr')
  await peer.request({
    action: 'scanQr',
    qr: (pairing.pairing as { qr: string }).qr,
    phone: accountPhone(index),
  })
  instances.push(await waitForOpen(tenant.id, instance.id))
}
const connectSeconds = (performance.now() - connectStarted) / 1000
await new Promise((resolve) => setTimeout(resolve, 3000))
const connected = settledRss()

// Queues every message while the instances' outbound queues are paused, so
// the throughput below counts sending only, not the inserts that queue them.
const queues = instances.map((instance) => getQueue(outboundQueueName(instance.id)))
await Promise.all(queues.map((queue) => queue.pause()))
const queueStarted = performance.now()
const queued: number[] = []
for (let index = 0; index < MESSAGES; index++) {
  const instance = instances[index % INSTANCES]
  const message = await queueMessage(instance, contactPhone(index % CONTACTS), `Bench ${index}`)
  queued.push(message.id)
}
const queueSeconds = (performance.now() - queueStarted) / 1000
const sendStarted = performance.now()
await Promise.all(queues.map((queue) => queue.resume()))
await waitFor(
  async () => {
    const [{ total }] = await db
      .from('messages')
      .whereIn('id', queued)
      .where('status', 'sent')
      .count('* as total')
    return Number(total) === MESSAGES
  },
  `${MESSAGES} messages to be sent`,
  600_000
)
const sentSeconds = (performance.now() - sendStarted) / 1000
await waitFor(
  async () => {
    let received = 0
    for (let index = 0; index < CONTACTS; index++) {
      received += await peer.request({ action: 'received', phone: contactPhone(index) })
    }
    return received >= MESSAGES
  },
  `${MESSAGES} messages to be decrypted by the contacts`,
  600_000
)
const receivedSeconds = (performance.now() - sendStarted) / 1000
const afterSends = settledRss()

console.log(
  JSON.stringify(
    {
      instances: INSTANCES,
      messages: MESSAGES,
      rssBaselineMb: Number(mb(baseline)),
      rssConnectedMb: Number(mb(connected)),
      rssAfterSendsMb: Number(mb(afterSends)),
      rssPerInstanceMb: Number(mb((connected - baseline) / INSTANCES)),
      connectAllSeconds: Number(connectSeconds.toFixed(1)),
      queueSeconds: Number(queueSeconds.toFixed(2)),
      sentPerSecond: Math.round(MESSAGES / sentSeconds),
      decryptedPerSecond: Math.round(MESSAGES / receivedSeconds),
      gcExposed: typeof globalThis.gc === 'function',
    },
    null,
    2
  )
)

await role.stop()
await peer.request({ action: 'close' }).catch(() => null)
await shutdown(app)

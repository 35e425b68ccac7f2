import { test } from '@japa/runner'
import Message from '#models/message'
import Tenant from '#models/tenant'
import { runInTenant } from '#tenancy/tenant_context'
import { getQueue } from '#queues/queue_factory'
import { createRedisConnection } from '#queues/redis_connection'
import { leaseHolder } from '#services/channels/instance_lease'
import { createInstance, requestConnect } from '#services/channels/instance_service'
import { outboundQueueName } from '#services/channels/outbound_queue'
import { startAce, type RunningProcess } from '#tests/helpers/processes'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { queueMessage, waitFor, waitForStatus } from '#tests/helpers/channels'
import { peerCertificate, type WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { startLoopbackPeer } from './support/loopback.js'

const ACCOUNT = '+5511973330001'
const CONTACT = '+5511973330002'

function channelsEnvironment(peer: WhatsAppPeer) {
  return {
    CHANNEL_LEASE_TTL_MS: '2000',
    WHATSAPP_WEBSOCKET_URL: peer.url,
    WHATSAPP_TEST_ROOT_PUBLIC_KEY: peerCertificate.PUBLIC_KEY.toString('hex'),
    WHATSAPP_TEST_ROOT_SERIAL: String(peerCertificate.SERIAL),
  }
}

async function startChannelsProcess(peer: WhatsAppPeer, cleanup: (task: () => void) => void) {
  const channels = startAce(['channels'], channelsEnvironment(peer))
  cleanup(() => channels.child.kill('SIGKILL'))
  await channels.waitForOutput(/channels role started/)
  return channels
}

function ownedBy(process: RunningProcess) {
  return `:${process.child.pid}:`
}

test.group('WhatsApp takeover after SIGKILL', (group) => {
  let peer: WhatsAppPeer

  group.setup(async () => {
    peer = await startLoopbackPeer()
    return () => peer.close()
  })

  test('second process sends queued messages once', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const redis = createRedisConnection('test-whatsapp-leases')
    const contact = peer.addContact({ phone: CONTACT, name: 'Contato' })
    cleanup(async () => {
      await runInTenant(tenant.id, () => Message.query().delete())
      await Tenant.query().where('id', tenant.id).delete()
      await redis.quit()
    })
    const instance = await runInTenant(tenant.id, () =>
      createInstance({ name: 'Takeover', channel: 'whatsapp', config: { reconnectBaseMs: 100 } })
    )
    cleanup(() => getQueue(outboundQueueName(instance.id)).obliterate({ force: true }))

    const first = await startChannelsProcess(peer, cleanup)
    await runInTenant(tenant.id, () => requestConnect(instance))
    const pairing = await waitForStatus(tenant.id, instance.id, 'qr')
    await peer.scanQr((pairing.pairing as { qr: string }).qr, { phone: ACCOUNT })
    await waitForStatus(tenant.id, instance.id, 'open')
    assert.include(await leaseHolder(redis, instance.id), ownedBy(first))

    const queued: Message[] = []
    for (let index = 0; index < 10; index++) {
      queued.push(await queueMessage(instance, CONTACT, `Mensagem ${index + 1} de 16`))
    }
    await contact.waitForMessages(1, 30_000)
    first.child.kill('SIGKILL')
    await first.waitForExit()
    for (let index = 10; index < 16; index++) {
      queued.push(await queueMessage(instance, CONTACT, `Mensagem ${index + 1} de 16`))
    }

    const second = await startChannelsProcess(peer, cleanup)
    await waitFor(
      async () => {
        const holder = await leaseHolder(redis, instance.id)
        return holder?.includes(ownedBy(second))
      },
      'the second process to take the lease',
      30_000
    )
    const sent = await waitFor(
      async () => {
        const messages = await runInTenant(tenant.id, () =>
          Message.query().whereIn(
            'id',
            queued.map((message) => message.id)
          )
        )
        return messages.every((message) => message.status === 'sent') ? messages : null
      },
      'every queued message to be sent',
      60_000
    )
    await contact.waitForMessages(16, 30_000)
    await new Promise((resolve) => setTimeout(resolve, 500))

    // A send cut off by the kill after its frame left but before its row was
    // stored goes out again with the same message id, and WhatsApp clients
    // show one message per id. So each text must map to exactly one id, and
    // the ids must be the ones stored before the send.
    const idsByText = new Map<string, Set<string>>()
    for (const message of contact.messages) {
      const ids = idsByText.get(message.text ?? '') ?? new Set<string>()
      ids.add(message.id)
      idsByText.set(message.text ?? '', ids)
    }
    for (let index = 0; index < 16; index++) {
      const text = `Mensagem ${index + 1} de 16`
      assert.equal(
        idsByText.get(text)?.size,
        1,
        `"${text}" arrived under ${idsByText.get(text)?.size ?? 0} ids`
      )
    }
    assert.equal(idsByText.size, 16)
    const distinctIds = new Set(contact.messages.map((message) => message.id))
    assert.sameMembers(
      [...distinctIds],
      sent.map((message) => message.providerMessageId)
    )
    assert.isAtMost(
      contact.messages.length - distinctIds.size,
      1,
      'more than the one send cut off by the kill was repeated'
    )
  }).timeout(120_000)
})

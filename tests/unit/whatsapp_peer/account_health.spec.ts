import { test } from '@japa/runner'
import { proto } from '@whiskeysockets/baileys'
import {
  startWhatsAppPeer,
  trustPeerCertificate,
  type WhatsAppPeer,
} from '#tests/support/whatsapp_peer/index'
import { linkBaileys, type BaileysClient } from '#tests/support/whatsapp_peer/baileys_client'

const ACCOUNT_PHONE = '+5511999990001'
const Status = proto.WebMessageInfo.Status

test.group('WhatsApp peer account health', (group) => {
  let peer: WhatsAppPeer
  let client: BaileysClient

  group.each.setup(async () => {
    trustPeerCertificate()
    peer = await startWhatsAppPeer()
    peer.addContact({ phone: '+5511988882222' })
    ;({ client } = await linkBaileys(peer, ACCOUNT_PHONE))
    return async () => {
      await client.end()
      await peer.close()
    }
  })

  test('pushes a reach-out time lock', async ({ assert }) => {
    const endsAt = new Date(Math.floor(Date.now() / 1000 + 3600) * 1000)
    await peer.setReachoutTimelock(ACCOUNT_PHONE, { active: true, endsAt })

    const update = await client.waitForUpdate((candidate) => !!candidate.reachoutTimeLock)

    assert.isTrue(update.reachoutTimeLock?.isActive)
    assert.equal(update.reachoutTimeLock?.timeEnforcementEnds?.getTime(), endsAt.getTime())
    assert.equal(update.reachoutTimeLock?.enforcementType, 'DEFAULT')
  })

  test('reports the time lock to a query', async ({ assert }) => {
    const unlocked = await client.socket.fetchAccountReachoutTimelock()
    await peer.setReachoutTimelock(ACCOUNT_PHONE, {
      active: true,
      endsAt: new Date(Date.now() + 60_000),
      enforcementType: 'BIZ_COMMERCE_VIOLATION_GAMBLING',
    })
    const locked = await client.socket.fetchAccountReachoutTimelock()

    assert.isFalse(unlocked.isActive)
    assert.isTrue(locked.isActive)
    assert.equal(locked.enforcementType, 'BIZ_COMMERCE_VIOLATION_GAMBLING')
  })

  test('restricts new chats but not replies', async ({ assert }) => {
    const stranger = peer.addContact({ phone: '+5511988883333' })
    const customer = peer.contact('+5511988882222')
    const replyId = await customer.sendText('oi, quero saber do pedido')
    await client.waitForUpsert((upsert) => upsert.messages.some((m) => m.key.id === replyId))
    peer.restrict(ACCOUNT_PHONE)

    const cold = await client.socket.sendMessage(stranger.jid, { text: 'promoção' })
    const reply = await client.socket.sendMessage(customer.jid, { text: 'seu pedido saiu' })
    const failed = await client.waitForStatus(cold!.key.id!, Status.ERROR)
    await customer.waitForMessages(1)

    assert.equal(failed.messageStubParameters?.[0], '463')
    assert.deepEqual(stranger.received, [])
    assert.deepEqual(customer.received, ['seu pedido saiu'])
    assert.equal(customer.messages[0].id, reply?.key.id)
  })

  test('rate-limits the next usync', async ({ assert }) => {
    peer.failNextIq({ xmlns: 'usync', code: 429, text: 'rate-overlimit' })

    await assert.rejects(() => client.socket.onWhatsApp('+5511988882222'), /rate-overlimit/)
    const retried = await client.socket.onWhatsApp('+5511988882222')

    assert.lengthOf(retried ?? [], 1)
  })
})

import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import { memoryCredentialStore } from '#sdk/testing'
import {
  ChannelError,
  type AccountHealthEvent,
  type ChannelStatusEvent,
  type InboundMessage,
} from '#sdk'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { whatsappChannel } from '../index.js'
import type { WhatsAppDriver } from '../whatsapp_driver.js'
import { eventually, startLoopbackPeer } from './support/loopback.js'

const ACCOUNT = '+5511975550001'
const CONTACT = '+5511975550002'

test.group('WhatsApp pairing code and account health', (group) => {
  let peer: WhatsAppPeer
  let driver: WhatsAppDriver
  const statuses: ChannelStatusEvent[] = []
  const health: AccountHealthEvent[] = []
  const inbound: InboundMessage[] = []

  group.setup(async () => {
    peer = await startLoopbackPeer()
    peer.addContact({ phone: CONTACT, name: 'Contato' })
    driver = whatsappChannel.createDriver({
      instanceId: 880_101,
      tenantId: 1,
      config: { reconnectBaseMs: 50 },
      credentials: memoryCredentialStore(),
      logger: logger.child({ test: 'whatsapp-health' }),
    }) as WhatsAppDriver
    driver.on('status', (event) => statuses.push(event))
    driver.on('health', (event) => health.push(event))
    driver.on('inbound', (message) => inbound.push(message))
    return async () => {
      await driver.disconnect()
      await peer.close()
    }
  })

  test('pairing code links the number', async ({ assert }) => {
    await driver.connect()
    await eventually(() => statuses.find((event) => event.status === 'qr'), 'a QR code')

    const result = await driver.perform('pairing_code', { phone: ACCOUNT })
    assert.match(String(result.code), /^[A-Z0-9]{8}$/)
    const shown = statuses.at(-1)!
    assert.equal(shown.status, 'qr')
    assert.deepInclude(shown.pairing, { kind: 'code', code: result.code })

    await peer.enterPairingCode(String(result.code))
    const open = await eventually(
      () => statuses.find((event) => event.status === 'open'),
      'the session to open'
    )
    assert.equal(open.account?.address, ACCOUNT)
  })

  test('pairing code needs a valid number', async ({ assert }) => {
    const error = await driver.perform('pairing_code', { phone: '11 5555' }).catch((e) => e)
    assert.equal(error.code, 'E_RECIPIENT_INVALID')
  })

  test('reach-out time lock reports health', async ({ assert }) => {
    const endsAt = new Date(Date.now() + 3_600_000)
    await peer.setReachoutTimelock(ACCOUNT, { active: true, endsAt })
    const locked = await eventually(
      () => health.find((event) => event.code === 'E_WHATSAPP_REACHOUT_LOCKED'),
      'the time lock to be reported'
    )
    assert.equal(locked.state, 'restricted')
    assert.equal(locked.until?.getTime(), Math.floor(endsAt.getTime() / 1000) * 1000)
    assert.include(locked.reason, endsAt.toISOString().slice(0, 16))

    await peer.setReachoutTimelock(ACCOUNT, { active: false })
    const lifted = await eventually(
      () => health.find((event) => event.state === 'ok'),
      'the time lock to be lifted'
    )
    assert.equal(lifted.code, 'E_WHATSAPP_REACHOUT_LOCKED')
    assert.equal(driver.status, 'open')
  })

  test('rate-overlimit fails the send as retryable', async ({ assert }) => {
    peer.failNextIq({ xmlns: 'usync', code: 429, text: 'rate-overlimit' })
    const before = health.length
    const error = await driver
      .send({ providerMessageId: '3EB0AA0000000000000001', to: CONTACT, text: 'Oi', media: null })
      .catch((failure) => failure)
    assert.instanceOf(error, ChannelError)
    assert.equal(error.code, 'E_CHANNEL_RATE_LIMITED')
    assert.isTrue(error.retryable)
    const reported = health.slice(before)
    assert.lengthOf(reported, 1)
    assert.equal(reported[0].code, 'E_WHATSAPP_429')

    const sent = await driver.send({
      providerMessageId: '3EB0AA0000000000000002',
      to: CONTACT,
      text: 'Oi de novo',
      media: null,
    })
    assert.equal(sent.providerMessageId, '3EB0AA0000000000000002')
    await peer.contact(CONTACT).waitForMessages(1)
    assert.deepEqual(peer.contact(CONTACT).received, ['Oi de novo'])
  })

  test('repeated send id is not sent again', async ({ assert }) => {
    const again = await driver.send({
      providerMessageId: '3EB0AA0000000000000002',
      to: CONTACT,
      text: 'Oi de novo',
      media: null,
    })
    assert.equal(again.providerMessageId, '3EB0AA0000000000000002')
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.lengthOf(peer.contact(CONTACT).deliveries, 1)
  })

  test('repeated inbound id is reported once', async ({ assert }) => {
    const contact = peer.contact(CONTACT)
    await contact.sendText('Quero saber mais', { to: ACCOUNT, id: '3EB0CC0000000000000001' })
    await contact.sendText('Quero saber mais', { to: ACCOUNT, id: '3EB0CC0000000000000001' })
    await contact.sendText('Obrigado', { to: ACCOUNT, id: '3EB0CC0000000000000002' })
    await eventually(
      () => inbound.find((message) => message.text === 'Obrigado'),
      'the last inbound message'
    )
    const copies = inbound.filter(
      (message) => message.providerMessageId === '3EB0CC0000000000000001'
    )
    assert.lengthOf(copies, 1)
    assert.equal(copies[0].from, CONTACT)
    assert.equal(copies[0].fromName, 'Contato')
  })

  test('replies sent while offline arrive on reconnect', async ({ assert }) => {
    await driver.disconnect()
    assert.equal(driver.status, 'closed')
    await peer.contact(CONTACT).sendText('Respondi quando vocês estavam fora', { to: ACCOUNT })

    const since = statuses.length
    await driver.connect()
    await eventually(
      () => statuses.slice(since).find((event) => event.status === 'open'),
      'the session to open again'
    )
    const reply = await eventually(
      () => inbound.find((message) => message.text === 'Respondi quando vocês estavam fora'),
      'the reply held while offline'
    )
    assert.equal(reply.from, CONTACT)
  })
})

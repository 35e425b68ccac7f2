import { test } from '@japa/runner'
import logger from '@adonisjs/core/services/logger'
import { memoryCredentialStore } from '#sdk/testing'
import type { ChannelStatusEvent, InboundMessage } from '#sdk'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { whatsappChannel } from '../index.js'
import type { WhatsAppDriver } from '../whatsapp_driver.js'
import { eventually, startLoopbackPeer } from './support/loopback.js'

const ACCOUNT = '+5511977770001'
const TYPING = '+5511977770002'
const LINKS = '+5511977770003'
const FORGETFUL = '+5511977770004'

let sequence = 0

/** A WhatsApp-style message id unique in this file. */
function nextId() {
  sequence += 1
  return `3EB0DD${String(sequence).padStart(16, '0')}`
}

test.group('WhatsApp sending', (group) => {
  let peer: WhatsAppPeer
  let driver: WhatsAppDriver
  const statuses: ChannelStatusEvent[] = []
  const inbound: InboundMessage[] = []

  group.setup(async () => {
    peer = await startLoopbackPeer()
    for (const phone of [TYPING, LINKS, FORGETFUL]) {
      peer.addContact({ phone })
    }
    driver = whatsappChannel.createDriver({
      instanceId: 880_301,
      tenantId: 1,
      config: { typingMs: 150 },
      credentials: memoryCredentialStore(),
      logger: logger.child({ test: 'whatsapp-sending' }),
    }) as WhatsAppDriver
    driver.on('status', (event) => statuses.push(event))
    driver.on('inbound', (message) => inbound.push(message))
    await driver.connect()
    const qr = await eventually(() => statuses.find((event) => event.status === 'qr'), 'a QR')
    await peer.scanQr((qr.pairing as { qr: string }).qr, { phone: ACCOUNT })
    await eventually(() => statuses.find((event) => event.status === 'open'), 'open')
    return async () => {
      await driver.disconnect()
      await peer.close()
    }
  })

  test('typing shows before the send', async ({ assert }) => {
    const contact = peer.contact(TYPING)
    const started = Date.now()
    await driver.send({ providerMessageId: nextId(), to: TYPING, text: 'Oi!', media: null })
    assert.isAtLeast(Date.now() - started, 150)
    await contact.waitForMessages(1)
    assert.deepEqual(contact.chatStates, ['composing', 'paused'])
  })

  test('links go without a preview', async ({ assert }) => {
    const contact = peer.contact(LINKS)
    const text = 'Veja a oferta em https://loja.localhost/oferta hoje'
    await driver.send({ providerMessageId: nextId(), to: LINKS, text, media: null })
    const [received] = await contact.waitForMessages(1)
    assert.equal(received.text, text)
    const extended = received.message.extendedTextMessage
    assert.isNotOk(extended?.matchedText)
    assert.isNotOk(extended?.jpegThumbnail)
    assert.isNotOk(extended?.title)
  })

  test('retry receipt resends the stored message', async ({ assert }) => {
    const contact = peer.contact(FORGETFUL)
    await driver.send({ providerMessageId: nextId(), to: FORGETFUL, text: 'Primeira', media: null })
    await contact.waitForMessages(1)

    contact.forgetSessions()
    const id = nextId()
    await driver.send({ providerMessageId: id, to: FORGETFUL, text: 'Segunda', media: null })
    const received = await contact.waitForMessages(2, 20_000)
    assert.equal(received[1].id, id)
    assert.equal(received[1].text, 'Segunda')
    assert.isAtLeast(contact.retries.get(id) ?? 0, 1)
    assert.isNotNull(await driver.sent.find(id))
  })

  test('reply from a lid is resolved and stored', async ({ assert }) => {
    const contact = peer.contact(TYPING)
    const lid = contact.lid.replace(/:\d+@/, '@')
    assert.isNull(await driver.lids.phoneOf(lid))

    await contact.sendText('Pode mandar', {
      to: ACCOUNT,
      from: 'lid',
      includeAlternateAddress: false,
    })
    const reply = await eventually(
      () => inbound.find((message) => message.text === 'Pode mandar'),
      'the reply from the lid'
    )
    assert.equal(reply.from, TYPING)
    assert.deepEqual(reply.aliases, [lid])
    assert.equal(await driver.lids.phoneOf(lid), TYPING)
  })
})

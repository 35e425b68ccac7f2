import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import drive from '@adonisjs/drive/services/main'
import { memoryCredentialStore } from '#sdk/testing'
import type { ChannelStatusEvent } from '#sdk'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { whatsappChannel } from '../index.js'
import type { WhatsAppDriver } from '../whatsapp_driver.js'
import { allowMediaUrlHosts, useMediaAgent } from '../whatsapp_settings.js'
import { eventually, startLoopbackPeer } from './support/loopback.js'

const ACCOUNT = '+5511976660001'
const CONTACT = '+5511976660002'

test.group('WhatsApp media from templates', (group) => {
  let peer: WhatsAppPeer
  let driver: WhatsAppDriver
  const statuses: ChannelStatusEvent[] = []
  const keys: string[] = []

  group.setup(async () => {
    peer = await startLoopbackPeer({ media: true })
    useMediaAgent(peer.mediaAgent)
    peer.addContact({ phone: CONTACT, name: 'Contato' })
    driver = whatsappChannel.createDriver({
      instanceId: 880_201,
      tenantId: 1,
      config: {},
      credentials: memoryCredentialStore(),
      logger: logger.child({ test: 'whatsapp-media' }),
    }) as WhatsAppDriver
    driver.on('status', (event) => statuses.push(event))
    await driver.connect()
    const qr = await eventually(() => statuses.find((event) => event.status === 'qr'), 'a QR')
    await peer.scanQr((qr.pairing as { qr: string }).qr, { phone: ACCOUNT })
    await eventually(() => statuses.find((event) => event.status === 'open'), 'open')
    return async () => {
      await driver.disconnect()
      useMediaAgent(null)
      await peer.close()
      for (const key of keys) {
        await drive.use().delete(key)
      }
    }
  })

  for (const [mimeType, kind, fileName] of [
    ['image/jpeg', 'imageMessage', null],
    ['application/pdf', 'documentMessage', 'catalogo.pdf'],
    ['audio/ogg', 'audioMessage', null],
  ] as const) {
    test(`${kind} arrives decrypted`, async ({ assert }) => {
      const bytes = randomBytes(2048)
      const key = `whatsapp-tests/${Date.now()}-${kind}`
      keys.push(key)
      await drive.use().put(key, bytes)
      const contact = peer.contact(CONTACT)
      const before = contact.messages.length

      await driver.send({
        providerMessageId: `3EB0BB${String(before).padStart(16, '0')}`,
        to: CONTACT,
        text: kind === 'audioMessage' ? null : 'Veja a oferta',
        media: { source: key, mimeType, fileName },
      })
      const received = await contact.waitForMessages(before + 1)
      const message = received.at(-1)!
      assert.exists(message.message[kind], `expected a ${kind}`)
      assert.deepEqual(message.media, bytes)
      if (kind === 'documentMessage') {
        assert.equal(message.message.documentMessage?.fileName, 'catalogo.pdf')
      }
      if (kind !== 'audioMessage') {
        assert.equal(message.message[kind]?.caption, 'Veja a oferta')
      }
    })
  }

  test('image from an allowed media URL arrives', async ({ assert, cleanup }) => {
    allowMediaUrlHosts([peer.media!.hostname])
    cleanup(() => allowMediaUrlHosts([]))
    const bytes = randomBytes(2048)
    const url = peer.media!.serve(bytes)
    const contact = peer.contact(CONTACT)
    const before = contact.messages.length

    await driver.send({
      providerMessageId: `3EB0BC${String(before).padStart(16, '0')}`,
      to: CONTACT,
      text: 'Foto do link',
      media: { source: url, mimeType: 'image/jpeg', fileName: null },
    })
    const received = await contact.waitForMessages(before + 1)

    const message = received.at(-1)!
    assert.exists(message.message.imageMessage)
    assert.deepEqual(message.media, bytes)
    assert.equal(message.message.imageMessage?.caption, 'Foto do link')
  })

  test('loopback media URL is rejected', async ({ assert }) => {
    const url = peer.media!.serve(randomBytes(16))
    const requests = peer.media!.requests.length
    const contact = peer.contact(CONTACT)
    const before = contact.messages.length

    const send = driver.send({
      providerMessageId: `3EB0BD${String(before).padStart(16, '0')}`,
      to: CONTACT,
      text: 'Foto do link',
      media: { source: url, mimeType: 'image/jpeg', fileName: null },
    })

    await assert.rejects(() => send, new RegExp(`Media URL "${url}" is rejected`))
    assert.lengthOf(peer.media!.requests, requests)
    assert.lengthOf(contact.messages, before)
  })
})

import { test } from '@japa/runner'
import {
  startWhatsAppPeer,
  trustPeerCertificate,
  type SimulatedContact,
  type WhatsAppPeer,
} from '#tests/support/whatsapp_peer/index'
import { linkBaileys, type BaileysClient } from '#tests/support/whatsapp_peer/baileys_client'

/** A 1x1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64'
)

test.group('WhatsApp peer media', (group) => {
  let peer: WhatsAppPeer
  let contact: SimulatedContact
  let client: BaileysClient

  group.setup(async () => {
    trustPeerCertificate()
    peer = await startWhatsAppPeer({ media: true })
    contact = peer.addContact({ phone: '+5511988881111', name: 'Bia' })
    ;({ client } = await linkBaileys(peer, '+5511999990001', { fetchAgent: peer.mediaAgent }))
    return async () => {
      await client.end()
      await peer.close()
    }
  })

  test('delivers an image with its caption', async ({ assert }) => {
    await client.socket.sendMessage(contact.jid, { image: PNG, caption: 'cardápio' })
    const [message] = await contact.waitForMessages(1)

    assert.equal(message.message.imageMessage?.caption, 'cardápio')
    assert.deepEqual(message.media, PNG)
  })

  test('delivers a document', async ({ assert }) => {
    const pdf = Buffer.from(`%PDF-1.4\n${'pedido '.repeat(2000)}`)
    await client.socket.sendMessage(contact.jid, {
      document: pdf,
      mimetype: 'application/pdf',
      fileName: 'pedido.pdf',
    })
    const messages = await contact.waitForMessages(2)
    const document = messages[1]

    assert.equal(document.message.documentMessage?.fileName, 'pedido.pdf')
    assert.equal(document.message.documentMessage?.mimetype, 'application/pdf')
    assert.deepEqual(document.media, pdf)
  })

  test('delivers an audio', async ({ assert }) => {
    const audio = Buffer.from('OggS fake opus payload for the loopback peer')
    await client.socket.sendMessage(contact.jid, {
      audio,
      mimetype: 'audio/ogg; codecs=opus',
      seconds: 3,
    })
    const messages = await contact.waitForMessages(3)
    const received = messages[2]

    assert.equal(received.message.audioMessage?.seconds, 3)
    assert.deepEqual(received.media, audio)
    assert.deepEqual(peer.unhandled, [])
    assert.deepEqual(peer.errors, [])
  })
})

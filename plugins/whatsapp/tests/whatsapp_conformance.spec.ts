import { test } from '@japa/runner'
import { channelConformance } from '#sdk/testing'
import { whatsappChannel } from '../index.js'
import type { WhatsAppDriver } from '../whatsapp_driver.js'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { startLoopbackPeer } from './support/loopback.js'

/** The linked number, the contact messaged, and the contact who writes in. */
const ACCOUNT = '+5511970000001'
const RECIPIENT = '+5511970000002'
const SENDER = '+5511970000003'

let peer: WhatsAppPeer

// Runs first, so the peer and its URL exist before the conformance driver connects.
test.group('WhatsApp conformance peer start', () => {
  test('peer starts', async () => {
    peer = await startLoopbackPeer()
    peer.addContact({ phone: RECIPIENT, name: 'Recipient', autoReceipt: 'delivered' })
    peer.addContact({ phone: SENDER, name: 'Sender' })
  })
})

/**
 * The WhatsApp driver against the channel contract, with a real Baileys
 * socket paired, messaged and dropped by the loopback peer.
 */
channelConformance<WhatsAppDriver>({
  channel: whatsappChannel,
  config: { reconnectBaseMs: 50, reconnectMaxMs: 200 },
  recipient: RECIPIENT,
  unknownRecipient: '+5511970009999',
  sender: SENDER,
  pair: async (_driver, pairing) => {
    if (pairing.kind !== 'qr') {
      throw new Error('expected a QR code to scan')
    }
    await peer.scanQr(pairing.qr, { phone: ACCOUNT })
  },
  simulateInbound: async (_driver, message) => {
    await peer.contact(message.from).sendText(message.text, { to: ACCOUNT })
  },
  dropConnection: async (driver) => {
    await peer.disconnect(driver.socket!.creds.me!.id, 428)
  },
})

test.group('WhatsApp conformance peer', () => {
  test('peer answered every query', async ({ assert }) => {
    assert.deepEqual(
      peer.unhandled.map((stanza) => stanza.attrs.xmlns),
      []
    )
    await peer.close()
  })
})

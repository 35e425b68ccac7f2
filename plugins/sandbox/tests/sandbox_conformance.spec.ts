import { channelConformance } from '#sdk/testing'
import { numberInBucket } from '#tests/helpers/channels'
import { sandboxChannel } from '../index.js'
import type { SandboxDriver } from '../sandbox_driver.js'

/** Share of numbers the sandbox treats as having no WhatsApp account in this run. */
const NOT_ON_WHATSAPP_PERCENT = 50

/**
 * The sandbox driver against the channel contract, paired and driven through
 * the same actions the phone simulator uses: `scan`, `reply` and `drop`.
 */
channelConformance<SandboxDriver>({
  channel: sandboxChannel,
  config: {
    deliveredDelayMs: 0,
    readDelayMs: 0,
    reconnectDelayMs: 50,
    notOnWhatsAppPercent: NOT_ON_WHATSAPP_PERCENT,
  },
  recipient: numberInBucket(NOT_ON_WHATSAPP_PERCENT, false),
  unknownRecipient: numberInBucket(NOT_ON_WHATSAPP_PERCENT, true),
  pair: async (driver, pairing) => {
    await driver.perform('scan', { qr: pairing.kind === 'qr' ? pairing.qr : '' })
  },
  simulateInbound: async (driver, message) => {
    await driver.perform('reply', { from: message.from, text: message.text })
  },
  dropConnection: async (driver) => {
    await driver.perform('drop', {})
  },
})

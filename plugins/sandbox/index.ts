import { defineChannel, definePlugin } from '#sdk'
import { SandboxDriver } from './sandbox_driver.js'
import { sandboxConfigFields, sandboxConfigSchema } from './sandbox_config.js'

/**
 * Sends of one sandbox number in flight at once. A sandbox send only
 * writes to the database, so many can run together, which lets the
 * engine's batches fill when a campaign runs with pacing off.
 */
export const SANDBOX_CONCURRENT_SENDS = 128

/**
 * The sandbox channel: a simulated WhatsApp number that pairs with a QR
 * code scanned in the phone simulator and reports receipts after the
 * delays of its configuration.
 */
export const sandboxChannel = defineChannel({
  id: 'sandbox',
  label: 'sandbox.label',
  description: 'sandbox.description',
  icon: 'phone',
  pairing: 'qr',
  addressKind: 'phone',
  capabilities: { media: true, deliveryReceipts: true, readReceipts: true },
  maxConcurrentSends: SANDBOX_CONCURRENT_SENDS,
  configSchema: sandboxConfigSchema,
  configFields: sandboxConfigFields,
  createDriver: (context) => new SandboxDriver(context),
})

export default definePlugin({
  register(plugin) {
    plugin.channel(sandboxChannel)
  },
})

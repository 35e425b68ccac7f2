import { defineChannel, definePlugin } from '#sdk'
import { SandboxDriver } from './sandbox_driver.js'
import { sandboxConfigFields, sandboxConfigSchema } from './sandbox_config.js'

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
  configSchema: sandboxConfigSchema,
  configFields: sandboxConfigFields,
  createDriver: (context) => new SandboxDriver(context),
})

export default definePlugin({
  register(plugin) {
    plugin.channel(sandboxChannel)
  },
})

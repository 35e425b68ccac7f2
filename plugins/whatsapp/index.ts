import { defineChannel, definePlugin } from '#sdk'
import { WhatsAppDriver } from './whatsapp_driver.js'
import { whatsappConfigFields, whatsappConfigSchema } from './whatsapp_config.js'
import { newMessageId } from './message_id.js'
import { readSettings } from './whatsapp_settings.js'
import { deleteInstanceData } from './tenant_cleanup.js'

/**
 * The WhatsApp channel: each instance is one number linked as a WhatsApp
 * Web device, paired by QR code or by a pairing code typed on the phone.
 */
export const whatsappChannel = defineChannel({
  id: 'whatsapp',
  label: 'whatsapp.label',
  description: 'whatsapp.description',
  icon: 'phone',
  pairing: 'qr',
  addressKind: 'phone',
  capabilities: { media: true, deliveryReceipts: true, readReceipts: true },
  configSchema: whatsappConfigSchema,
  configFields: whatsappConfigFields,
  createMessageId: newMessageId,
  createDriver: (context) => new WhatsAppDriver(context),
})

export default definePlugin({
  register(plugin) {
    // Fails the boot on a setting the install cannot run with, such as a
    // test certificate root in production. A test run may boot without a
    // URL; its sockets fail to connect until a test sets one.
    if (process.env.NODE_ENV !== 'test') {
      readSettings()
    }
    plugin.channel(whatsappChannel)
    plugin.onTenantDeletion(({ instanceIds }) => deleteInstanceData(instanceIds))
  },
})

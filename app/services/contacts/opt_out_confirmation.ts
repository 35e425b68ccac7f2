import i18nManager from '@adonisjs/i18n/services/main'
import logger from '@adonisjs/core/services/logger'
import type AudienceSetting from '#models/audience_setting'
import type Contact from '#models/contact'
import ChannelInstance from '#models/channel_instance'
import type Message from '#models/message'
import Tenant from '#models/tenant'
import { createOutboundMessage } from '#services/channels/message_service'
import { enqueueOutbound } from '#services/channels/outbound_queue'

/**
 * Returns the opt-out confirmation text of a tenant: its own text, the
 * default of its locale while it never saved one (`null`), or `null` when
 * it saved an empty text to send none.
 */
export function optOutConfirmationText(settings: AudienceSetting, locale: string) {
  if (settings.optOutReply === null) {
    return i18nManager.locale(locale).t('contacts.opt_out.default_reply')
  }
  const text = settings.optOutReply.trim()
  return text === '' ? null : text
}

/**
 * Sends the tenant's opt-out confirmation to the contact who sent an
 * opt-out keyword, through the instance the keyword came in on. The reply
 * goes through the instance's outbound queue without a priority and a pace
 * slot, as an agent's reply does, so it leaves before the campaign sends
 * waiting there. A failure is logged and not raised, because the opt-out
 * itself is already stored. Runs inside the message's tenant scope.
 */
export async function sendOptOutConfirmation(
  inbound: Message,
  contact: Contact,
  settings: AudienceSetting
) {
  const tenant = await Tenant.findOrFail(inbound.tenantId)
  const text = optOutConfirmationText(settings, tenant.locale)
  if (text === null) {
    return null
  }

  try {
    const instance = await ChannelInstance.findOrFail(inbound.instanceId)
    const reply = await createOutboundMessage({
      instance,
      // The contact's phone, not the inbound address, which may be a `…@lid` alias.
      address: contact.phone,
      body: text,
      contactId: contact.id,
    })
    await enqueueOutbound(reply)
    logger.info(
      { tenantId: tenant.id, instanceId: instance.id, contactId: contact.id },
      'opt-out confirmation queued'
    )
    return reply
  } catch (error) {
    logger.error(
      { err: error, tenantId: tenant.id, instanceId: inbound.instanceId, messageId: inbound.id },
      'failed to queue the opt-out confirmation'
    )
    return null
  }
}

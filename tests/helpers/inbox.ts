import Contact from '#models/contact'
import Conversation from '#models/conversation'
import Message from '#models/message'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { performAction } from '#services/channels/instance_service'
import { createOutboundMessage } from '#services/channels/message_service'
import { waitFor } from '#tests/helpers/channels'

let sequence = 0

/** Makes a Brazilian mobile in E.164 that no other contact of the run has. */
export function uniqueMobile() {
  sequence += 1
  const suffix = String((Date.now() * 10 + sequence) % 1e8).padStart(8, '0')
  return `+55119${suffix}`
}

export function createContact(tenantId: number, name: string, phone = uniqueMobile()) {
  return runInTenant(tenantId, () =>
    Contact.create({ name, phone, timezone: 'America/Sao_Paulo', consent: 'opted_in' })
  )
}

/**
 * Sends `Olá` to the contact from a new open sandbox instance of its tenant
 * and returns the instance and the id of the conversation it opened.
 */
export function openConversation(contact: Contact) {
  return runInTenant(contact.tenantId, async () => {
    const instance = await ChannelInstance.create({
      name: `Inbox ${Date.now()}-${(sequence += 1)}`,
      channel: 'sandbox',
      status: 'open',
    })
    const sent = await createOutboundMessage({
      instance,
      address: contact.phone,
      body: 'Olá',
      contactId: contact.id,
    })
    return { instance, conversationId: sent.conversationId! }
  })
}

/**
 * Makes the sandbox report an inbound message from `phone` and waits until
 * it is stored and recorded as its conversation's last message. `lid` is
 * the sandbox reply option of the same name.
 */
export async function simulateReply(
  instance: ChannelInstance,
  phone: string,
  text: string,
  lid?: 'with_phone' | 'only'
) {
  const { providerMessageId } = await runInTenant(instance.tenantId, () =>
    performAction(instance, 'reply', { from: phone, text, ...(lid ? { lid } : {}) })
  )
  return waitFor(
    () =>
      runInTenant(instance.tenantId, async () => {
        const message = await Message.query()
          .where('instance_id', instance.id)
          .where('provider_message_id', String(providerMessageId))
          .first()
        const conversation = message?.conversationId
          ? await Conversation.find(message.conversationId)
          : null
        return conversation && (conversation.lastMessageId ?? 0) >= message!.id ? message : null
      }),
    `inbound message "${text}" to be stored`
  )
}

export function loadConversation(tenantId: number, id: number) {
  return runInTenant(tenantId, () => Conversation.findOrFail(id))
}

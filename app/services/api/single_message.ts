import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import type Tenant from '#models/tenant'
import { createOutboundMessage } from '#services/channels/message_service'
import { enqueueOutbound } from '#services/channels/outbound_queue'
import { parsePhone } from '#services/contacts/phone_numbers'
import { phoneHasher, suppressedHashes } from '#services/contacts/suppressions'
import { ApiException } from '#services/api/api_errors'

/** Statuses in which an instance cannot send until a member acts (pairs it again, appeals). */
const UNUSABLE_STATUSES = ['logged_out', 'restricted']

export interface SingleMessageInput {
  instanceId: number
  to: string
  text: string
}

/**
 * Queues one text message through an instance of the current tenant. The
 * message row exists before the send job, as for campaign sends; a closed
 * instance keeps it queued until it connects. Numbers that opted out are
 * rejected, whether or not they are still contacts.
 */
export async function sendSingleMessage(tenant: Tenant, input: SingleMessageInput) {
  const instance = await ChannelInstance.find(input.instanceId)
  if (!instance) {
    throw new ApiException(`No instance with id ${input.instanceId} in this tenant.`, {
      code: 'E_INSTANCE_NOT_FOUND',
      status: 422,
      field: 'instanceId',
    })
  }
  if (UNUSABLE_STATUSES.includes(instance.status)) {
    throw new ApiException(
      `Instance ${instance.id} is ${instance.status}. Connect it again on the connections page.`,
      { code: 'E_INSTANCE_NOT_CONNECTED', status: 409, field: 'instanceId' }
    )
  }

  const phone = parsePhone(input.to, tenant.defaultCountry)
  if (!phone.ok) {
    throw new ApiException(
      `"${input.to}" is not a valid phone number (${phone.problem}). Send it in E.164, such as +5511987654321.`,
      { code: 'E_VALIDATION_ERROR', status: 422, field: 'to' }
    )
  }
  const contact = await Contact.query().where('phone', phone.e164).first()
  await assertNotOptedOut(phone.e164, contact)

  const message = await createOutboundMessage({
    instance,
    address: phone.e164,
    body: input.text,
    contactId: contact?.id ?? null,
  })
  await enqueueOutbound(message)
  return message
}

async function assertNotOptedOut(e164: string, contact: Contact | null) {
  const hash = (await phoneHasher())(e164)
  const suppressed = await suppressedHashes([hash])
  if (contact?.consent === 'opted_out' || suppressed.has(hash)) {
    throw new ApiException('The recipient opted out and cannot be sent messages.', {
      code: 'E_CONTACT_OPTED_OUT',
      status: 409,
      field: 'to',
    })
  }
}

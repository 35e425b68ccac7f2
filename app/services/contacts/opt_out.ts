import { DateTime } from 'luxon'
import { emitDomainEvent } from '#events/domain_events'
import Contact from '#models/contact'
import { audienceSettings } from '#services/contacts/audience_settings'
import { suppress, unsuppress } from '#services/contacts/suppressions'
import { parsePhone } from '#services/contacts/phone_numbers'
import { sqlTime } from '#services/channels/sql_time'
import {
  optOutConfirmationText,
  sendOptOutConfirmation,
} from '#services/contacts/opt_out_confirmation'
import Tenant from '#models/tenant'
import type Message from '#models/message'

/**
 * Lowercases, strips accents and drops punctuation, symbols and spacing
 * around and inside the text, so `  Stop! ` and `stop` compare equal.
 */
export function normalizeKeyword(text: string) {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim()
}

/**
 * Finds the opt-out keyword, as the tenant configured it, that the whole
 * message equals, ignoring case, accents, surrounding spaces and
 * punctuation. Returns `null` when none does, so a sentence that merely
 * contains a keyword matches nothing.
 */
export function matchOptOutKeyword(text: string, keywords: string[]) {
  const message = normalizeKeyword(text)
  if (message === '') {
    return null
  }
  return keywords.find((keyword) => normalizeKeyword(keyword) === message) ?? null
}

/** Tells whether an inbound message is an opt-out request (see `matchOptOutKeyword`). */
export function isOptOutMessage(text: string, keywords: string[]) {
  return matchOptOutKeyword(text, keywords) !== null
}

/**
 * Cause of an opt-out: a keyword reply, a member, or an API call. `reason`
 * is stored as the contact's consent source, and `contact:opted_out`
 * carries it with the keyword or the member.
 */
/** Cause of an opt-in: a member (`operator`) or the REST API. */
export type OptInCause = { reason: 'operator'; userId: number | null } | { reason: 'api' }

export type OptOutCause =
  | { reason: 'keyword'; keyword: string }
  | { reason: 'operator'; userId: number | null }
  | { reason: 'api' }

/**
 * Opts the contact out: sets the consent state, records the suppression so
 * deletion or re-import cannot undo it, and emits `contact:opted_out`.
 */
export async function optOut(contact: Contact, cause: OptOutCause) {
  if (contact.consent !== 'opted_out') {
    contact.merge({ consent: 'opted_out', consentSource: cause.reason, consentAt: DateTime.utc() })
    await contact.save()
  }
  await suppress(contact.phone, cause.reason)
  await emitDomainEvent('contact:opted_out', {
    tenantId: contact.tenantId,
    contactId: contact.id,
    reason: cause.reason,
    keyword: cause.reason === 'keyword' ? cause.keyword : null,
    userId: cause.reason === 'operator' ? cause.userId : null,
  })
}

/**
 * Opts the contact back in, as only an operator may, and lifts the suppression.
 */
export async function optIn(contact: Contact, cause: OptInCause) {
  contact.merge({ consent: 'opted_in', consentSource: cause.reason, consentAt: DateTime.utc() })
  await contact.save()
  await unsuppress(contact.phone)
  await emitDomainEvent('contact:opted_in', {
    tenantId: contact.tenantId,
    contactId: contact.id,
    reason: cause.reason,
    userId: cause.reason === 'operator' ? cause.userId : null,
  })
}

/**
 * Handles an inbound message for opt-out in the current tenant, by the
 * sender's number, suppressing a number that is not a contact yet. Returns
 * whether the sender opted out and the confirmation reply to send, `null`
 * when the tenant turned it off. The reply job opts known contacts out with
 * `optOutByKeyword` instead.
 */
export async function handleInboundForOptOut(fromPhone: string, text: string, country: string) {
  const settings = await audienceSettings()
  const keyword = matchOptOutKeyword(text, settings.optOutKeywords)
  if (keyword === null) {
    return { optedOut: false as const, reply: null }
  }

  const parsed = parsePhone(fromPhone, country)
  if (!parsed.ok) {
    return { optedOut: false as const, reply: null }
  }
  const contact = await Contact.query().where('phone', parsed.e164).first()
  if (contact) {
    await optOut(contact, { reason: 'keyword', keyword })
  } else {
    await suppress(parsed.e164, 'keyword')
  }
  const tenant = await Tenant.findOrFail(settings.tenantId)
  return { optedOut: true as const, reply: optOutConfirmationText(settings, tenant.locale) }
}

/**
 * Opts out the sender of an inbound message whose whole text is one of the
 * tenant's opt-out keywords, and sends the tenant's confirmation reply to
 * the sender through the instance the message came in on. Returns whether
 * the contact is opted out now. A contact already opted out is left as it
 * is, so a redelivered message or a second keyword emits no second
 * `contact:opted_out` and gets no second reply. The consent changes by a
 * conditional update, so two keywords handled at once opt out and reply
 * once.
 */
export async function optOutByKeyword(message: Message) {
  const settings = await audienceSettings()
  if (message.contactId === null || message.body === null) {
    return false
  }
  const keyword = matchOptOutKeyword(message.body, settings.optOutKeywords)
  if (keyword === null) {
    return false
  }
  const contact = await Contact.find(message.contactId)
  if (!contact) {
    return false
  }

  const claimed = await Contact.query()
    .where('id', contact.id)
    .whereNot('consent', 'opted_out')
    .update({ consent: 'opted_out', consent_source: 'keyword', consent_at: sqlTime() })
  if (Number(claimed[0] ?? claimed) === 0) {
    return true
  }

  await contact.refresh()
  await optOut(contact, { reason: 'keyword', keyword })
  await sendOptOutConfirmation(message, contact, settings)
  return true
}

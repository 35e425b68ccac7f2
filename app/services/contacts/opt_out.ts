import { DateTime } from 'luxon'
import emitter from '@adonisjs/core/services/emitter'
import Contact from '#models/contact'
import { audienceSettings } from '#services/contacts/audience_settings'
import { suppress, unsuppress } from '#services/contacts/suppressions'
import { parsePhone } from '#services/contacts/phone_numbers'

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
 * Tells whether an inbound message is an opt-out request: the whole message,
 * ignoring case, accents, surrounding spaces and punctuation, is one of the
 * keywords. A sentence that merely contains a keyword is not.
 */
export function isOptOutMessage(text: string, keywords: string[]) {
  const message = normalizeKeyword(text)
  if (message === '') {
    return false
  }
  return keywords.some((keyword) => normalizeKeyword(keyword) === message)
}

/**
 * Opts the contact out: sets the consent state, records the suppression so
 * deletion or re-import cannot undo it, and emits `contact:opted_out`.
 */
export async function optOut(contact: Contact, source: string) {
  if (contact.consent !== 'opted_out') {
    contact.merge({ consent: 'opted_out', consentSource: source, consentAt: DateTime.utc() })
    await contact.save()
  }
  await suppress(contact.phone, source)
  await emitter.emit('contact:opted_out', {
    tenantId: contact.tenantId,
    contactId: contact.id,
    source,
  })
}

/**
 * Opts the contact back in, as only an operator may, and lifts the suppression.
 */
export async function optIn(contact: Contact, source: string) {
  contact.merge({ consent: 'opted_in', consentSource: source, consentAt: DateTime.utc() })
  await contact.save()
  await unsuppress(contact.phone)
  await emitter.emit('contact:opted_in', {
    tenantId: contact.tenantId,
    contactId: contact.id,
    source,
  })
}

/**
 * Handles an inbound message for opt-out in the current tenant, by the
 * sender's number, suppressing a number that is not a contact yet. Returns
 * whether the sender opted out and the confirmation reply to send, if the
 * tenant set one. The reply job opts known contacts out with
 * `optOutByKeyword` instead.
 */
export async function handleInboundForOptOut(fromPhone: string, text: string, country: string) {
  const settings = await audienceSettings()
  if (!isOptOutMessage(text, settings.optOutKeywords)) {
    return { optedOut: false as const, reply: null }
  }

  const parsed = parsePhone(fromPhone, country)
  if (!parsed.ok) {
    return { optedOut: false as const, reply: null }
  }
  const contact = await Contact.query().where('phone', parsed.e164).first()
  if (contact) {
    await optOut(contact, 'keyword')
  } else {
    await suppress(parsed.e164, 'keyword')
  }
  return { optedOut: true as const, reply: settings.optOutReply }
}

/**
 * Opts out the sender of an inbound message whose whole text is one of the
 * tenant's opt-out keywords. Returns whether the contact is opted out now.
 * A contact already opted out is left as it is, so a redelivered message
 * emits no second `contact:opted_out`.
 *
 * NOTE: the tenant's confirmation reply (`optOutReply`) is not sent from here.
 */
export async function optOutByKeyword(contactId: number, text: string | null) {
  const settings = await audienceSettings()
  if (text === null || !isOptOutMessage(text, settings.optOutKeywords)) {
    return false
  }
  const contact = await Contact.find(contactId)
  if (!contact) {
    return false
  }
  if (contact.consent !== 'opted_out') {
    await optOut(contact, 'keyword')
  }
  return true
}

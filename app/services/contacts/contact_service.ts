import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { emitDomainEvent } from '#events/domain_events'
import { Exception } from '@adonisjs/core/exceptions'
import Contact, { type ConsentState } from '#models/contact'
import CustomField from '#models/custom_field'
import type Tenant from '#models/tenant'
import { parsePhone, timezoneForCountry } from '#services/contacts/phone_numbers'
import { parseFieldValue, saveFieldValues } from '#services/contacts/custom_field_values'
import { phoneHasher, suppress, suppressedHashes } from '#services/contacts/suppressions'
import { optIn, optOut } from '#services/contacts/opt_out'
import { currentTenantId } from '#tenancy/tenant_context'
import { insertRows, type Client } from '#services/contacts/bulk_writes'
import { sqlTime } from '#services/channels/sql_time'
import { emitContactUpdated, snapshotContact } from '#services/contacts/contact_changes'
import { replaceTags, tagKey } from '#services/contacts/contact_tags'

export interface ContactInput {
  name?: string | null
  phone: string
  extraPhones?: string[]
  email?: string | null
  city?: string | null
  notes?: string | null
  timezone?: string | null
  language?: string | null
  tags?: string[]
  consent?: ConsentState
  fields?: Record<string, string | null | undefined>
}

/**
 * Origin of a contact change: a member's form (`manual`) or the REST API.
 * `userId` is the member who sent the form, `null` for the API.
 */
export interface ContactChangeOrigin {
  source: 'manual' | 'api'
  userId: number | null
}

/**
 * A contact form value that cannot be saved. `field` names the form field,
 * so the page shows the message next to it.
 */
export class ContactInputException extends Exception {
  static status = 422
  constructor(
    readonly field: string,
    readonly translationKey: string,
    readonly values: Record<string, string>
  ) {
    super(`Invalid contact field "${field}": ${translationKey} (${JSON.stringify(values)})`, {
      code: 'E_CONTACT_INVALID',
    })
  }
}

/** Most characters of a tag name, the size of `contact_tags.name`. */
export const TAG_MAX_LENGTH = 60

/**
 * Splits a tag cell or input into trimmed, non-empty tag names, as typed:
 * `vip; newsletter` and `vip,newsletter` both give `vip` and `newsletter`.
 */
export function tagParts(value: string | string[] | null | undefined) {
  const parts = Array.isArray(value) ? value : (value ?? '').split(/\s*(?:[;,|]|:::)\s*/)
  return parts.map((tag) => tag.trim()).filter((tag) => tag !== '')
}

/**
 * Splits a tag cell or input into clean tag names, cut to `TAG_MAX_LENGTH`
 * characters. Names with the same `tagKey` appear once, in their first
 * spelling.
 */
export function splitTags(value: string | string[] | null | undefined) {
  const tags = new Map<string, string>()
  for (const part of tagParts(value)) {
    const tag = part.slice(0, TAG_MAX_LENGTH)
    if (!tags.has(tagKey(tag))) {
      tags.set(tagKey(tag), tag)
    }
  }
  return [...tags.values()]
}

/**
 * Creates a contact, or updates `existing`, from form or API input, and
 * emits `contact:created` or, when something besides consent changed,
 * `contact:updated`. Consent changes emit `contact:opted_out` or
 * `contact:opted_in` instead.
 * The phone is read with the tenant's default country; a number of another
 * contact, or an invalid one, raises `ContactInputException`.
 */
export async function saveContact(
  tenant: Tenant,
  input: ContactInput,
  existing?: Contact,
  origin: ContactChangeOrigin = { source: 'manual', userId: null }
) {
  const phone = parsePhone(input.phone, tenant.defaultCountry)
  if (!phone.ok) {
    throw new ContactInputException('phone', `contacts.phone_errors.${phone.problem}`, {
      value: phone.value,
    })
  }
  const taken = await Contact.query()
    .where('phone', phone.e164)
    .if(existing, (query) => query.whereNot('id', existing!.id))
    .first()
  if (taken) {
    throw new ContactInputException('phone', 'contacts.errors.phone_taken', { value: phone.e164 })
  }

  const extraPhones = parseExtraPhones(input.extraPhones ?? [], tenant.defaultCountry)
  const contact = existing ?? new Contact()
  contact.merge({
    name: input.name?.trim() || null,
    phone: phone.e164,
    extraPhones: extraPhones.filter((number) => number !== phone.e164),
    email: input.email?.trim().toLowerCase() || null,
    city: input.city?.trim() || null,
    notes: input.notes ?? null,
    timezone: input.timezone || timezoneForCountry(phone.country, tenant.timezone),
    language: input.language || null,
    phoneWarning: phone.notices.includes('landline') ? 'landline' : null,
  })
  if (!existing) {
    contact.consent = 'unknown'
  }

  const fieldValues = await readFieldInputs(input.fields ?? {})
  const before = existing ? await snapshotContact(existing.id) : null
  await contact.save()
  await saveFieldValues(fieldValues.map((entry) => ({ ...entry, contactId: contact.id })))
  if (input.tags) {
    await replaceTags(contact.id, splitTags(input.tags))
  }
  await applyConsentInput(contact, input.consent, origin)

  if (!before) {
    await emitDomainEvent('contact:created', {
      tenantId: contact.tenantId,
      contactId: contact.id,
      source: origin.source,
      userId: origin.source === 'manual' ? origin.userId : null,
    })
    return contact
  }
  const after = await snapshotContact(contact.id)
  await emitContactUpdated(contact.tenantId, contact.id, before, after, {
    source: origin.source,
    userId: origin.source === 'manual' ? origin.userId : null,
  })
  return contact
}

function parseExtraPhones(values: string[], country: string) {
  const numbers: string[] = []
  for (const [index, value] of values.entries()) {
    if (value.trim() === '') {
      continue
    }
    const parsed = parsePhone(value, country)
    if (!parsed.ok) {
      throw new ContactInputException(`extraPhones.${index}`, 'contacts.phone_errors.invalid', {
        value,
      })
    }
    numbers.push(parsed.e164)
  }
  return [...new Set(numbers)]
}

async function readFieldInputs(inputs: Record<string, string | null | undefined>) {
  const keys = Object.keys(inputs)
  if (keys.length === 0) {
    return []
  }
  const fields = await CustomField.query().whereIn('key', keys)
  const unknown = keys.find((key) => !fields.some((field) => field.key === key))
  if (unknown !== undefined) {
    throw new ContactInputException(`fields.${unknown}`, 'contacts.field_errors.unknown', {
      value: unknown,
    })
  }
  return fields.map((field) => {
    const parsed = parseFieldValue(field, inputs[field.key] ?? '')
    if (!parsed.ok) {
      throw new ContactInputException(
        `fields.${field.key}`,
        `contacts.field_errors.${parsed.reason}`,
        {
          value: parsed.value,
        }
      )
    }
    return { fieldId: field.id, value: parsed.value }
  })
}

/**
 * Applies a consent state chosen in a form. A number that opted out before
 * (a suppression exists) stays opted out unless the operator opts it in.
 */
async function applyConsentInput(
  contact: Contact,
  consent: ConsentState | undefined,
  origin: ContactChangeOrigin
) {
  if (consent === 'opted_out' && contact.consent !== 'opted_out') {
    const cause =
      origin.source === 'api'
        ? ({ reason: 'api' } as const)
        : ({ reason: 'operator', userId: origin.userId } as const)
    return optOut(contact, cause)
  }
  if (consent === 'opted_in' && contact.consent !== 'opted_in') {
    const cause =
      origin.source === 'api'
        ? ({ reason: 'api' } as const)
        : ({ reason: 'operator', userId: origin.userId } as const)
    return optIn(contact, cause)
  }
  if (contact.consent !== 'opted_out') {
    const hash = (await phoneHasher())(contact.phone)
    const suppressed = await suppressedHashes([hash])
    if (suppressed.has(hash)) {
      contact.merge({
        consent: 'opted_out',
        consentSource: 'suppression',
        consentAt: DateTime.utc(),
      })
      await contact.save()
    }
  }
}

/**
 * Adds contacts to a static list; members already there stay once.
 */
export async function addToLists(
  contactIds: number[],
  listIds: number[],
  client: Client = db.connection()
) {
  const tenantId = currentTenantId()!
  const now = sqlTime()
  const rows = listIds.flatMap((listId) =>
    contactIds.map((contactId) => [tenantId, listId, contactId, now])
  )
  await insertRows(
    client,
    'contact_list_members',
    ['tenant_id', 'contact_list_id', 'contact_id', 'created_at'],
    rows,
    { ignoreConflicts: ['contact_list_id', 'contact_id'] }
  )
}

/**
 * Erases the contact: its row, tags, custom values and list memberships.
 * Only the suppression hash of an opted-out number remains, so the person
 * stays opted out if the number is imported again.
 */
export async function deleteContact(contact: Contact, origin: ContactChangeOrigin) {
  if (contact.consent === 'opted_out') {
    await suppress(contact.phone, contact.consentSource ?? 'operator')
  }
  await db.from('contact_tags').where('contact_id', contact.id).delete()
  await db.from('contact_field_values').where('contact_id', contact.id).delete()
  await db.from('contact_list_members').where('contact_id', contact.id).delete()
  await contact.delete()
  await emitDomainEvent('contact:deleted', {
    tenantId: contact.tenantId,
    contactId: contact.id,
    source: origin.source,
    userId: origin.source === 'manual' ? origin.userId : null,
  })
}

import { once } from 'node:events'
import { stringify, type Stringifier } from 'csv-stringify'
import type Contact from '#models/contact'
import CustomField from '#models/custom_field'
import { contactSearchQuery, type ContactFilters } from '#services/contacts/contact_search'
import { fieldValuesOf } from '#services/contacts/custom_field_values'
import { csvStringifyOptions, type CsvSeparator } from '#services/csv_cells'

/** Contacts read from the database at a time while exporting. */
const EXPORT_CHUNK = 1000

const BASE_COLUMNS = [
  'id',
  'name',
  'phone',
  'extra_phones',
  'email',
  'city',
  'timezone',
  'language',
  'tags',
  'consent',
  'consent_source',
  'consent_at',
  'created_at',
]

function contactRow(contact: Contact, values: Record<string, string>, fieldKeys: string[]) {
  const row: Record<string, string | number | null> = {
    id: contact.id,
    name: contact.name,
    phone: contact.phone,
    extra_phones: contact.extraPhones.join(' '),
    email: contact.email,
    city: contact.city,
    timezone: contact.timezone,
    language: contact.language,
    tags: contact.tags
      .map((tag) => tag.name)
      .sort()
      .join(', '),
    consent: contact.consent,
    consent_source: contact.consentSource,
    consent_at: contact.consentAt?.toUTC().toISO() ?? null,
    created_at: contact.createdAt.toUTC().toISO(),
  }
  for (const key of fieldKeys) {
    row[key] = values[key] ?? null
  }
  return row
}

/**
 * Writes the matching contacts into the CSV stream a chunk at a time, by
 * ascending id so rows created meanwhile neither repeat nor shift pages,
 * waiting for the client whenever the stream's buffer is full.
 */
async function writeContacts(
  csv: Stringifier,
  filters: ContactFilters,
  defaultCountry: string,
  fieldKeys: string[]
) {
  let afterId = 0
  for (;;) {
    const contacts = await contactSearchQuery(filters, defaultCountry)
      .where('contacts.id', '>', afterId)
      .preload('tags')
      .orderBy('contacts.id')
      .limit(EXPORT_CHUNK)
    const values = await fieldValuesOf(contacts.map((contact) => contact.id))
    for (const contact of contacts) {
      if (!csv.write(contactRow(contact, values.get(contact.id) ?? {}, fieldKeys))) {
        await once(csv, 'drain')
      }
    }
    if (contacts.length < EXPORT_CHUNK) {
      break
    }
    afterId = contacts[contacts.length - 1].id
  }
  csv.end()
}

/**
 * Starts a CSV export of the current tenant's contacts that match the
 * contacts page's filters: one row per contact, the standard fields, then
 * one column per custom field under its key, split by `separator`. Returns
 * the stream and a promise that settles when the last row is written.
 */
export async function exportContacts(
  filters: ContactFilters,
  defaultCountry: string,
  separator: CsvSeparator
) {
  const fields = await CustomField.query().orderBy('key')
  const fieldKeys = fields.map((field) => field.key).filter((key) => !BASE_COLUMNS.includes(key))
  const csv = stringify({
    ...csvStringifyOptions(separator),
    header: true,
    columns: [...BASE_COLUMNS, ...fieldKeys],
  })
  // The caller learns of a failure through `done`; without a listener the stream's
  // own 'error' event would end the process.
  csv.on('error', () => {})
  const done = writeContacts(csv, filters, defaultCountry, fieldKeys).catch((error) => {
    csv.destroy(error)
    throw error
  })
  return { csv, done }
}

import { once } from 'node:events'
import { stringify, type Stringifier } from 'csv-stringify'
import type Contact from '#models/contact'
import CustomField from '#models/custom_field'
import { contactSearchQuery, type ContactFilters } from '#services/contacts/contact_search'
import { fieldValuesOf } from '#services/contacts/custom_field_values'
import { csvStringifyOptions, type CsvReader } from '#services/csv_cells'

/** Contacts read from the database at a time while exporting. */
const EXPORT_CHUNK = 1000

/**
 * Standard columns of the export, by id. Each is headed by its translation
 * under `contacts.csv_columns`, which the import's column guess reads back.
 */
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
] as const

/** Sources of a consent change that `contacts.csv_consent_sources` translates. */
const CONSENT_SOURCES = ['import', 'operator', 'keyword', 'suppression', 'api']

/**
 * Prefix of a custom field's key in a row, so a field never takes the
 * place of a standard column. Its header is the key itself.
 */
const FIELD_PREFIX = 'field:'

/** Translates the consent source, or leaves an unknown one as stored. */
function consentSourceLabel(reader: CsvReader, source: string | null) {
  if (source === null || !CONSENT_SOURCES.includes(source)) {
    return source
  }
  return reader.t(`contacts.csv_consent_sources.${source}`)
}

function contactRow(
  reader: CsvReader,
  contact: Contact,
  values: Record<string, string>,
  fieldKeys: string[]
) {
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
    consent: reader.t(`contacts.consent_states.${contact.consent}`),
    consent_source: consentSourceLabel(reader, contact.consentSource),
    consent_at: contact.consentAt?.toUTC().toISO() ?? null,
    created_at: contact.createdAt.toUTC().toISO(),
  }
  for (const key of fieldKeys) {
    row[`${FIELD_PREFIX}${key}`] = values[key] ?? null
  }
  return row
}

/**
 * Columns of the export: the standard ones headed in the reader's
 * language, then one per custom field headed by its key.
 */
function exportColumns(reader: CsvReader, fieldKeys: string[]) {
  return [
    ...BASE_COLUMNS.map((id) => ({ key: id, header: reader.t(`contacts.csv_columns.${id}`) })),
    ...fieldKeys.map((key) => ({ key: `${FIELD_PREFIX}${key}`, header: key })),
  ]
}

/**
 * Writes the matching contacts into the CSV stream a chunk at a time, by
 * ascending id so rows created meanwhile neither repeat nor shift pages,
 * waiting for the client whenever the stream's buffer is full.
 */
async function writeContacts(
  csv: Stringifier,
  reader: CsvReader,
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
      if (!csv.write(contactRow(reader, contact, values.get(contact.id) ?? {}, fieldKeys))) {
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
 * contacts page's filters, written for `reader`: one row per contact, the
 * standard fields headed and the consent state and source written in the
 * reader's language, then one column per custom field headed by its key,
 * split by the reader's separator. Returns the stream and a promise that
 * settles when the last row is written.
 */
export async function exportContacts(
  filters: ContactFilters,
  defaultCountry: string,
  reader: CsvReader
) {
  const fields = await CustomField.query().orderBy('key')
  const fieldKeys = fields.map((field) => field.key)
  const csv = stringify({
    ...csvStringifyOptions(reader.separator),
    header: true,
    columns: exportColumns(reader, fieldKeys),
  })
  // The caller learns of a failure through `done`; without a listener the stream's
  // own 'error' event would end the process.
  csv.on('error', () => {})
  const done = writeContacts(csv, reader, filters, defaultCountry, fieldKeys).catch((error) => {
    csv.destroy(error)
    throw error
  })
  return { csv, done }
}

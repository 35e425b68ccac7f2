import db from '@adonisjs/lucid/services/db'
import { addToLists } from '#services/contacts/contact_service'
import { addContactTags } from '#services/contacts/contact_tags'
import { saveFieldValues } from '#services/contacts/custom_field_values'
import { suppressedHashes } from '#services/contacts/suppressions'
import { MAX_BINDINGS, chunked, insertRows, type Client } from '#services/contacts/bulk_writes'
import type { ImportOptions } from '#models/contact_import'
import { sqlTime } from '#services/channels/sql_time'
import type { ImportedRow, RowMessage } from '#services/imports/import_rows'

/**
 * Outcome of a row. `kept` is a row whose number already belongs to a
 * contact that the import leaves as it is. `duplicate` repeats a number of an
 * earlier row of the file, and in reports written before `kept` existed it
 * also marks existing contacts.
 */
export type ReportStatus = 'created' | 'updated' | 'kept' | 'duplicate' | 'rejected'

/** One line of the import report. */
export interface ReportEntry {
  row: number
  status: ReportStatus
  name: string | null
  phone: string | null
  messages: RowMessage[]
}

export interface BatchTarget {
  tenantId: number
  options: ImportOptions
  /** The tenant's suppression hash of an E.164 number. */
  hash: (e164: string) => string
}

/**
 * A written batch: each row's `phone` mapped to its hash, so the caller and
 * the queries hash a number once.
 */
type Hashes = Map<string, string>

/**
 * Writes rows of distinct numbers in one transaction, with a fixed number of
 * statements whatever the batch size: one query for the numbers that already
 * have a contact, one for suppressions, one multi-row insert of the new
 * contacts and one query for their ids, one update of the existing ones in
 * update mode (in skip mode, one insert of their list memberships instead),
 * then one insert each for tags, list memberships and custom field values.
 * Returns the report entries of the rows, in no order.
 */
export async function writeContactBatch(
  rows: ImportedRow[],
  target: BatchTarget
): Promise<ReportEntry[]> {
  if (rows.length === 0) {
    return []
  }
  const hashes: Hashes = new Map(rows.map((row) => [row.phone, target.hash(row.phone)]))

  return db.transaction(async (trx) => {
    const existing = await contactIds(trx, target.tenantId, [...hashes.keys()])
    const suppressed = await suppressedHashes([...hashes.values()], trx)
    const isSuppressed = (row: ImportedRow) => suppressed.has(hashes.get(row.phone)!)
    const fresh = rows.filter((row) => !existing.has(row.phone))
    const known = rows.filter((row) => existing.has(row.phone))

    const ids = await insertContacts(trx, target.tenantId, fresh, isSuppressed)
    const entries = fresh.map((row) => writtenEntry(row, 'created', isSuppressed(row)))
    if (target.options.duplicates === 'update') {
      await updateContacts(trx, known, existing)
      for (const row of known) {
        ids.set(row.phone, existing.get(row.phone)!)
        entries.push(writtenEntry(row, 'updated', isSuppressed(row)))
      }
    } else {
      await addToLists(
        known.map((row) => existing.get(row.phone)!),
        target.options.listIds,
        trx
      )
      entries.push(...known.map((row) => keptEntry(row, target.options.listIds.length > 0)))
    }

    const written = rows.filter((row) => ids.has(row.phone))
    await writeRelations(trx, written, ids, target.options)
    return entries
  })
}

export function duplicateEntry(
  row: ImportedRow,
  code: string,
  values: Record<string, number | string>
): ReportEntry {
  return {
    row: row.row,
    status: 'duplicate',
    name: row.name,
    phone: row.phone,
    messages: [{ code, values }, ...row.warnings],
  }
}

/**
 * Returns the entry of a row whose contact exists and keeps its stored
 * values. The contact still joins the import's lists, because the member
 * chose them for everyone in the file.
 */
function keptEntry(row: ImportedRow, addedToLists: boolean): ReportEntry {
  return {
    row: row.row,
    status: 'kept',
    name: row.name,
    phone: row.phone,
    messages: [
      { code: addedToLists ? 'kept_added_to_lists' : 'kept', values: {} },
      ...row.warnings,
    ],
  }
}

function writtenEntry(
  row: ImportedRow,
  status: 'created' | 'updated',
  suppressed: boolean
): ReportEntry {
  const messages = suppressed ? [...row.warnings, { code: 'suppressed', values: {} }] : row.warnings
  return { row: row.row, status, name: row.name, phone: row.phone, messages }
}

/** Ids of the tenant's contacts with those numbers, by number. */
async function contactIds(client: Client, tenantId: number, phones: string[]) {
  const found: { id: number; phone: string }[] = []
  for (const chunk of chunked(phones, MAX_BINDINGS - 1)) {
    const rows = await client
      .from('contacts')
      .where('tenant_id', tenantId)
      .whereIn('phone', chunk)
      .select('id', 'phone')
    found.push(...rows)
  }
  return new Map(found.map((contact) => [contact.phone, contact.id]))
}

/** Columns of a new contact, in the order `insertContacts` gives its values. */
const CONTACT_COLUMNS = [
  'tenant_id',
  'name',
  'phone',
  'extra_phones',
  'email',
  'city',
  'notes',
  'timezone',
  'language',
  'consent',
  'consent_source',
  'consent_at',
  'phone_warning',
  'created_at',
  'updated_at',
]

/**
 * Inserts new contacts; a suppressed number starts opted out. Returns their
 * ids by number.
 */
async function insertContacts(
  client: Client,
  tenantId: number,
  rows: ImportedRow[],
  isSuppressed: (row: ImportedRow) => boolean
) {
  if (rows.length === 0) {
    return new Map<string, number>()
  }
  const now = sqlTime()
  const values = rows.map((row) => {
    const optedOut = isSuppressed(row)
    return [
      tenantId,
      row.name,
      row.phone,
      row.extraPhones.length > 0 ? JSON.stringify(row.extraPhones) : null,
      row.email,
      row.city,
      row.notes,
      row.timezone,
      row.language,
      optedOut ? 'opted_out' : 'unknown',
      optedOut ? 'suppression' : null,
      optedOut ? now : null,
      row.landline ? 'landline' : null,
      now,
      now,
    ]
  })
  await insertRows(client, 'contacts', CONTACT_COLUMNS, values)
  return contactIds(
    client,
    tenantId,
    rows.map((row) => row.phone)
  )
}

/**
 * The columns an import updates, with the value a row sets. Null leaves the
 * stored value alone: a cell the file left empty, or a column it lacks.
 */
const UPDATED_COLUMNS: [string, (row: ImportedRow) => string | null][] = [
  ['name', (row) => row.name],
  ['email', (row) => row.email],
  ['city', (row) => row.city],
  ['notes', (row) => row.notes],
  ['timezone', (row) => (row.timezoneGiven ? row.timezone : null)],
  ['language', (row) => row.language],
  ['extra_phones', (row) => (row.extraPhones.length > 0 ? JSON.stringify(row.extraPhones) : null)],
]

/**
 * Overwrites, in one UPDATE per chunk, the attributes each row filled, as
 * `CASE id WHEN … THEN … ELSE column END` per column, which MySQL and SQLite
 * read alike. The landline warning follows the new number type. Consent is
 * never changed by an import.
 */
async function updateContacts(client: Client, rows: ImportedRow[], ids: Map<string, number>) {
  // Two values per column in each CASE, and the id in the WHERE.
  const bindingsPerRow = (UPDATED_COLUMNS.length + 1) * 2 + 1
  for (const chunk of chunked(rows, MAX_BINDINGS / bindingsPerRow)) {
    const changes: Record<string, unknown> = { updated_at: sqlTime() }
    for (const [column, value] of UPDATED_COLUMNS) {
      const assigned = chunk.filter((row) => value(row) !== null)
      if (assigned.length > 0) {
        changes[column] = caseById(column, assigned, ids, value)
      }
    }
    changes.phone_warning = caseById('phone_warning', chunk, ids, (row) =>
      row.landline ? 'landline' : null
    )
    await client
      .from('contacts')
      .whereIn(
        'id',
        chunk.map((row) => ids.get(row.phone)!)
      )
      .update(changes)
  }
}

function caseById(
  column: string,
  rows: ImportedRow[],
  ids: Map<string, number>,
  value: (row: ImportedRow) => string | null
) {
  const bindings = rows.flatMap((row) => [ids.get(row.phone)!, value(row)])
  const whens = rows.map(() => 'WHEN ? THEN ?').join(' ')
  return db.raw(`CASE ?? ${whens} ELSE ?? END`, ['id', ...bindings, column])
}

/**
 * Adds the import's tags and lists to every written row, each row's own tags,
 * and its custom field values.
 */
async function writeRelations(
  client: Client,
  rows: ImportedRow[],
  ids: Map<string, number>,
  options: ImportOptions
) {
  const tags = rows.flatMap((row) => {
    const contactId = ids.get(row.phone)!
    const names = new Set([...options.tags, ...row.tags])
    return [...names].map((name) => ({ contactId, name }))
  })
  await addContactTags(tags, client)
  await addToLists(
    rows.map((row) => ids.get(row.phone)!),
    options.listIds,
    client
  )
  await saveFieldValues(
    rows.flatMap((row) =>
      row.fields.map((field) => ({ ...field, contactId: ids.get(row.phone)! }))
    ),
    client
  )
}

import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import Contact from '#models/contact'
import type ContactImport from '#models/contact_import'
import CustomField from '#models/custom_field'
import Tenant from '#models/tenant'
import { addTags, addToLists } from '#services/contacts/contact_service'
import { saveFieldValues } from '#services/contacts/custom_field_values'
import { phoneHasher, suppressedHashes } from '#services/contacts/suppressions'
import { byteCounter, csvRecordStream, type Delimiter } from '#services/imports/csv_format'
import {
  readRow,
  type ImportedRow,
  type RowContext,
  type RowMessage,
} from '#services/imports/import_rows'
import { currentTenantId } from '#tenancy/tenant_context'

/** Rows handled per round of queries. */
const BATCH_SIZE = 1000

export type ReportStatus = 'created' | 'updated' | 'duplicate' | 'rejected'

/** One line of the import report. */
export interface ReportEntry {
  row: number
  status: ReportStatus
  name: string | null
  phone: string | null
  messages: RowMessage[]
}

export interface ImportProgress {
  importId: number
  status: ContactImport['status']
  processedRows: number
  /** 0 to 100, by position in the file. */
  percent: number
  created: number
  updated: number
  duplicates: number
  rejected: number
  warned: number
}

interface Counts {
  created: number
  updated: number
  duplicates: number
  rejected: number
  warned: number
}

/**
 * Imports a mapped CSV upload in the current tenant: streams its records,
 * reads each row, dedupes by normalised phone inside the file and against
 * existing contacts, writes contacts in batches and a per-row report.
 * `onProgress` is called after every batch.
 *
 * The in-file dedupe keeps one map entry per distinct number, about 100
 * bytes each, so memory grows slowly with the number of distinct phones,
 * not with the file size.
 */
export async function runContactImport(
  contactImport: ContactImport,
  onProgress: (progress: ImportProgress) => Promise<void> | void
) {
  const tenant = await Tenant.findOrFail(currentTenantId())
  const fields = await CustomField.all()
  const context: RowContext = {
    mapping: contactImport.mapping,
    defaultCountry: tenant.defaultCountry,
    defaultTimezone: tenant.timezone,
    fieldsByKey: new Map(fields.map((field) => [field.key, field])),
  }
  const reportDir = await mkdtemp(join(tmpdir(), 'disparador-import-'))
  const reportPath = join(reportDir, 'report.jsonl')
  const report = createWriteStream(reportPath)
  const state = new ImportState(contactImport, context, await phoneHasher(), report)

  try {
    contactImport.merge({ status: 'running', startedAt: DateTime.utc(), processedRows: 0 })
    await contactImport.save()

    let bytesRead = 0
    const source = await drive.use().getStream(contactImport.fileKey)
    const records = csvRecordStream(
      source.pipe(byteCounter((total) => (bytesRead = total))),
      contactImport.encoding,
      contactImport.delimiter as Delimiter
    )
    const percent = () => Math.min(99, Math.floor((bytesRead / contactImport.fileSize) * 100))

    let header = true
    let batch: { row: number; cells: string[] }[] = []
    for await (const cells of records as AsyncIterable<string[]>) {
      if (header) {
        header = false
        continue
      }
      batch.push({ row: state.nextRow(), cells })
      if (batch.length >= BATCH_SIZE) {
        await state.processBatch(batch)
        batch = []
        await onProgress(await state.saveProgress('running', percent()))
      }
    }
    await state.processBatch(batch)

    report.end()
    await once(report, 'finish')
    const reportKey = `imports/${contactImport.tenantId}/${contactImport.id}-report.jsonl`
    await drive.use().moveFromFs(reportPath, reportKey)
    contactImport.merge({ reportKey, finishedAt: DateTime.utc() })
    await onProgress(await state.saveProgress('finished', 100))
    return state.counts
  } finally {
    report.destroy()
    await rm(reportDir, { recursive: true, force: true })
  }
}

class ImportState {
  counts: Counts = { created: 0, updated: 0, duplicates: 0, rejected: 0, warned: 0 }
  #rows = 0
  #seen = new Map<string, number>()

  constructor(
    private contactImport: ContactImport,
    private context: RowContext,
    private hash: (e164: string) => string,
    private report: NodeJS.WritableStream
  ) {}

  nextRow() {
    this.#rows += 1
    return this.#rows
  }

  async saveProgress(status: ContactImport['status'], percent: number): Promise<ImportProgress> {
    this.contactImport.merge({
      status,
      processedRows: this.#rows,
      createdCount: this.counts.created,
      updatedCount: this.counts.updated,
      duplicateCount: this.counts.duplicates,
      rejectedCount: this.counts.rejected,
      warnedCount: this.counts.warned,
    })
    await this.contactImport.save()
    return {
      importId: this.contactImport.id,
      status,
      processedRows: this.#rows,
      percent,
      ...this.counts,
    }
  }

  async processBatch(batch: { row: number; cells: string[] }[]) {
    const entries: ReportEntry[] = []
    const accepted: ImportedRow[] = []

    for (const { row, cells } of batch) {
      const outcome = readRow(row, cells, this.context)
      if (!outcome.ok) {
        entries.push({
          row,
          status: 'rejected',
          name: outcome.name,
          phone: null,
          messages: [outcome.rejection],
        })
        continue
      }
      const firstRow = this.#seen.get(outcome.contact.phone)
      if (firstRow !== undefined) {
        entries.push(this.duplicateEntry(outcome.contact, 'same_as_row', { row: firstRow }))
        continue
      }
      this.#seen.set(outcome.contact.phone, row)
      accepted.push(outcome.contact)
    }

    entries.push(...(await this.writeContacts(accepted)))
    entries.sort((a, b) => a.row - b.row)
    this.record(entries)
  }

  duplicateEntry(contact: ImportedRow, code: string, values: Record<string, number | string>) {
    return {
      row: contact.row,
      status: 'duplicate' as const,
      name: contact.name,
      phone: contact.phone,
      messages: [{ code, values }, ...contact.warnings],
    }
  }

  async writeContacts(rows: ImportedRow[]): Promise<ReportEntry[]> {
    if (rows.length === 0) {
      return []
    }
    const existing = await Contact.query()
      .whereIn(
        'phone',
        rows.map((row) => row.phone)
      )
      .select('id', 'phone')
    const existingIds = new Map(existing.map((contact) => [contact.phone, contact.id]))
    const suppressed = await suppressedHashes(rows.map((row) => this.hash(row.phone)))
    const fresh = rows.filter((row) => !existingIds.has(row.phone))
    const known = rows.filter((row) => existingIds.has(row.phone))

    const createdIds = await this.insertContacts(fresh, suppressed)
    const entries = fresh.map((row) => this.entry(row, 'created', suppressed))

    const updatedIds = new Map<string, number>()
    for (const row of known) {
      if (this.contactImport.options.duplicates === 'update') {
        await this.updateContact(existingIds.get(row.phone)!, row)
        updatedIds.set(row.phone, existingIds.get(row.phone)!)
        entries.push(this.entry(row, 'updated', suppressed))
      } else {
        entries.push(this.duplicateEntry(row, 'already_exists', {}))
      }
    }

    const touched = [...createdIds, ...updatedIds]
    const idOf = new Map(touched)
    await this.writeRelations(
      rows.filter((row) => idOf.has(row.phone)),
      idOf
    )
    return entries
  }

  entry(row: ImportedRow, status: 'created' | 'updated', suppressed: Set<string>): ReportEntry {
    const messages = [...row.warnings]
    if (suppressed.has(this.hash(row.phone))) {
      messages.push({ code: 'suppressed', values: {} })
    }
    return { row: row.row, status, name: row.name, phone: row.phone, messages }
  }

  async insertContacts(rows: ImportedRow[], suppressed: Set<string>) {
    if (rows.length === 0) {
      return new Map<string, number>()
    }
    const now = DateTime.utc().toJSDate()
    await db.table('contacts').multiInsert(
      rows.map((row) => {
        const optedOut = suppressed.has(this.hash(row.phone))
        return {
          tenant_id: this.contactImport.tenantId,
          name: row.name,
          phone: row.phone,
          extra_phones: row.extraPhones.length > 0 ? JSON.stringify(row.extraPhones) : null,
          email: row.email,
          city: row.city?.slice(0, 120) ?? null,
          notes: row.notes,
          timezone: row.timezone,
          language: row.language,
          consent: optedOut ? 'opted_out' : 'unknown',
          consent_source: optedOut ? 'suppression' : null,
          consent_at: optedOut ? now : null,
          phone_warning: row.landline ? 'landline' : null,
          created_at: now,
          updated_at: now,
        }
      })
    )
    const inserted = await db
      .from('contacts')
      .where('tenant_id', this.contactImport.tenantId)
      .whereIn(
        'phone',
        rows.map((row) => row.phone)
      )
      .select('id', 'phone')
    return new Map<string, number>(inserted.map((contact) => [contact.phone, contact.id]))
  }

  /**
   * Overwrites the attributes the file filled for that row; empty cells leave
   * the contact's values alone. Consent is never changed by an import.
   */
  async updateContact(contactId: number, row: ImportedRow) {
    const changes: Record<string, unknown> = { updated_at: DateTime.utc().toJSDate() }
    const columns: [string, string, unknown][] = [
      ['name', 'name', row.name],
      ['email', 'email', row.email],
      ['city', 'city', row.city?.slice(0, 120)],
      ['notes', 'notes', row.notes],
      ['timezone', 'timezone', row.timezone],
      ['language', 'language', row.language],
    ]
    for (const [target, column, value] of columns) {
      if (row.present.has(target) && value !== null && value !== undefined) {
        changes[column] = value
      }
    }
    if (row.extraPhones.length > 0) {
      changes.extra_phones = JSON.stringify(row.extraPhones)
    }
    changes.phone_warning = row.landline ? 'landline' : null
    await db.from('contacts').where('id', contactId).update(changes)
  }

  async writeRelations(rows: ImportedRow[], idOf: Map<string, number>) {
    const { tags, listIds } = this.contactImport.options
    const ids = rows.map((row) => idOf.get(row.phone)!)
    await addTags(ids, tags)
    await addToLists(ids, listIds)

    const byTags = new Map<string, number[]>()
    for (const row of rows) {
      for (const tag of row.tags) {
        byTags.set(tag, [...(byTags.get(tag) ?? []), idOf.get(row.phone)!])
      }
    }
    for (const [tag, contactIds] of byTags) {
      await addTags(contactIds, [tag])
    }

    await saveFieldValues(
      rows.flatMap((row) =>
        row.fields.map((field) => ({ ...field, contactId: idOf.get(row.phone)! }))
      )
    )
  }

  record(entries: ReportEntry[]) {
    for (const entry of entries) {
      if (entry.status === 'created') this.counts.created += 1
      if (entry.status === 'updated') this.counts.updated += 1
      if (entry.status === 'duplicate') this.counts.duplicates += 1
      if (entry.status === 'rejected') this.counts.rejected += 1
      const written = entry.status === 'created' || entry.status === 'updated'
      if (written && entry.messages.some((message) => WARNING_CODES.has(message.code))) {
        this.counts.warned += 1
      }
      this.report.write(`${JSON.stringify(entry)}\n`)
    }
  }
}

/** Row messages that count a created or updated row as warned. */
const WARNING_CODES = new Set([
  'ninth_digit_added',
  'landline',
  'suppressed',
  'email_invalid',
  'timezone_invalid',
  'field_number',
  'field_date',
  'field_boolean',
  'field_choice',
])

import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { DateTime } from 'luxon'
import drive from '@adonisjs/drive/services/main'
import type ContactImport from '#models/contact_import'
import CustomField from '#models/custom_field'
import Tenant from '#models/tenant'
import { phoneHasher } from '#services/contacts/suppressions'
import { readCsvRecords, type CsvItem } from '#services/imports/csv_records'
import {
  duplicateEntry,
  writeContactBatch,
  type BatchTarget,
  type ReportEntry,
} from '#services/imports/contact_batch_writer'
import { readRow, type ImportedRow, type RowContext } from '#services/imports/import_rows'
import { currentTenantId } from '#tenancy/tenant_context'

/** Rows handled per round of queries. */
const BATCH_SIZE = 2000

/**
 * Least time between two progress updates (the import row and the listener),
 * so a fast import does not spend its time reporting. The last one always goes.
 */
const PROGRESS_INTERVAL_MS = 250

export type { ReportEntry, ReportStatus } from '#services/imports/contact_batch_writer'

export interface ImportProgress {
  importId: number
  status: ContactImport['status']
  processedRows: number
  /** 0 to 100, by position in the file. */
  percent: number
  created: number
  updated: number
  kept: number
  duplicates: number
  rejected: number
  warned: number
}

interface Counts {
  created: number
  updated: number
  /** Rows of existing contacts left as they were, in skip mode. */
  kept: number
  /** Rows that repeat a number of an earlier row of the file. */
  duplicates: number
  rejected: number
  warned: number
}

/**
 * Imports a mapped CSV upload in the current tenant: streams its records,
 * reads each row, dedupes by normalised phone inside the file and against
 * existing contacts, writes contacts in batches and appends each batch's
 * report rows to a file. Report rows are numbered by the line of the file
 * where the record starts, the header being line 1, so the member finds
 * them in a text editor or a spreadsheet. The reader is pulled one batch at
 * a time, so the file is read only as fast as the database takes it.
 * `onProgress` is called at most every 250 ms, and once at the end.
 *
 * Memory stays flat but for the in-file dedupe, one map entry per distinct
 * number (about 100 bytes), which is what finding a repeat 90,000 rows later
 * costs.
 *
 * NOTE: the rows of the batches in flight live long enough for V8 to promote
 * them, so the resident peak depends on the process's V8 flags. For 100,000
 * rows in bench/contact_import.ts it was 223 to 229 MB with the worker's
 * flags from compose.yaml and 347 MB without them.
 */
export async function runContactImport(
  contactImport: ContactImport,
  onProgress: (progress: ImportProgress) => Promise<void> | void
) {
  const tenant = await Tenant.findOrFail(currentTenantId())
  const fields = await CustomField.all()
  const context: RowContext = {
    mapping: contactImport.mapping,
    headers: [],
    defaultCountry: tenant.defaultCountry,
    defaultTimezone: tenant.timezone,
    fieldsByKey: new Map(fields.map((field) => [field.key, field])),
  }
  const reportDir = await mkdtemp(join(tmpdir(), 'disparador-import-'))
  const reportPath = join(reportDir, 'report.jsonl')
  const report = createWriteStream(reportPath)
  const target = {
    tenantId: contactImport.tenantId,
    options: contactImport.options,
    hash: await phoneHasher(),
  }
  const state = new ImportState(contactImport, context, target, report)

  try {
    contactImport.merge({ status: 'running', startedAt: DateTime.utc(), processedRows: 0 })
    await contactImport.save()

    let bytesRead = 0
    const source = await drive.use().getStream(contactImport.fileKey)
    const records = readCsvRecords(
      countBytes(source, (total) => (bytesRead = total)),
      contactImport.encoding,
      contactImport.delimiter
    )
    const percent = () => Math.min(99, Math.floor((bytesRead / contactImport.fileSize) * 100))

    let header = true
    let lastProgress = -Infinity
    for await (const item of records) {
      if (header) {
        // A header that cannot be read leaves the columns unnamed, as the preview reported.
        context.headers = 'cells' in item ? item.cells : []
        header = false
        continue
      }
      if (!state.read(item)) {
        continue
      }
      await state.flush()
      if (performance.now() - lastProgress >= PROGRESS_INTERVAL_MS) {
        await onProgress(await state.saveProgress('running', percent()))
        lastProgress = performance.now()
      }
    }
    await state.finish()

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

/** Passes the chunks of a stream through, reporting the bytes read so far. */
async function* countBytes(source: AsyncIterable<Buffer>, onBytes: (total: number) => void) {
  let total = 0
  for await (const chunk of source) {
    total += chunk.length
    onBytes(total)
    yield chunk
  }
}

/** Rows read from the file and not yet written. */
class Batch {
  entries: ReportEntry[] = []
  accepted: ImportedRow[] = []
  size = 0
}

class ImportState {
  counts: Counts = { created: 0, updated: 0, kept: 0, duplicates: 0, rejected: 0, warned: 0 }
  #writtenRows = 0
  /** First row of each number seen so far in the file. */
  #seen = new Map<string, number>()
  #batch = new Batch()
  #writing: Promise<void> = Promise.resolve()
  #failure: unknown

  constructor(
    private contactImport: ContactImport,
    private context: RowContext,
    private target: BatchTarget,
    private report: Writable
  ) {}

  /**
   * Reads one record into the current batch: a rejection, a repeat of an
   * earlier row of the file, or a contact to write. Tells whether the batch
   * is full.
   */
  read(item: CsvItem) {
    if ('cells' in item && item.cells.every((cell) => cell.trim() === '')) {
      // A spreadsheet writes its empty rows as a line of separators: skipped like a blank line.
      return false
    }
    const row = item.line
    const batch = this.#batch
    batch.size += 1
    if ('problem' in item) {
      batch.entries.push({
        row,
        status: 'rejected',
        name: null,
        phone: null,
        messages: [item.problem],
      })
      return batch.size >= BATCH_SIZE
    }

    const outcome = readRow(row, item.cells, this.context)
    if (!outcome.ok) {
      batch.entries.push({
        row,
        status: 'rejected',
        name: outcome.name,
        phone: null,
        messages: [outcome.rejection],
      })
    } else {
      const firstRow = this.#seen.get(outcome.contact.phone)
      if (firstRow === undefined) {
        this.#seen.set(outcome.contact.phone, row)
        batch.accepted.push(outcome.contact)
      } else {
        batch.entries.push(duplicateEntry(outcome.contact, 'same_as_row', { row: firstRow }))
      }
    }
    return batch.size >= BATCH_SIZE
  }

  /**
   * Starts writing the current batch once the one before it is written, and
   * returns without waiting for it, so reading the next batch overlaps the
   * queries of this one. At most two batches are in memory.
   *
   * Batches may overlap because the in-file dedupe already keeps each number
   * in one batch only.
   */
  async flush() {
    await this.#writing
    if (this.#failure) {
      throw this.#failure
    }
    const batch = this.#batch
    this.#batch = new Batch()
    this.#writing = this.write(batch).catch((error) => {
      this.#failure = error
    })
  }

  /** Writes what is left and waits for every batch. */
  async finish() {
    await this.flush()
    await this.#writing
    if (this.#failure) {
      throw this.#failure
    }
  }

  async write(batch: Batch) {
    const entries = [...batch.entries, ...(await writeContactBatch(batch.accepted, this.target))]
    entries.sort((a, b) => a.row - b.row)
    await this.record(entries)
    this.#writtenRows += batch.size
  }

  async saveProgress(status: ContactImport['status'], percent: number): Promise<ImportProgress> {
    this.contactImport.merge({
      status,
      processedRows: this.#writtenRows,
      createdCount: this.counts.created,
      updatedCount: this.counts.updated,
      keptCount: this.counts.kept,
      duplicateCount: this.counts.duplicates,
      rejectedCount: this.counts.rejected,
      warnedCount: this.counts.warned,
    })
    await this.contactImport.save()
    return {
      importId: this.contactImport.id,
      status,
      processedRows: this.#writtenRows,
      percent,
      ...this.counts,
    }
  }

  /**
   * Counts the entries and appends them to the report file, waiting for the
   * file to drain when its buffer is full.
   */
  async record(entries: ReportEntry[]) {
    let lines = ''
    for (const entry of entries) {
      this.count(entry)
      lines += `${JSON.stringify(entry)}\n`
    }
    if (lines !== '' && !this.report.write(lines)) {
      await once(this.report, 'drain')
    }
  }

  count(entry: ReportEntry) {
    if (entry.status === 'created') this.counts.created += 1
    if (entry.status === 'updated') this.counts.updated += 1
    if (entry.status === 'kept') this.counts.kept += 1
    if (entry.status === 'duplicate') this.counts.duplicates += 1
    if (entry.status === 'rejected') this.counts.rejected += 1
    const written = entry.status === 'created' || entry.status === 'updated'
    if (written && entry.messages.some((message) => WARNING_CODES.has(message.code))) {
      this.counts.warned += 1
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

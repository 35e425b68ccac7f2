import { randomUUID } from 'node:crypto'
import { extname } from 'node:path'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import drive from '@adonisjs/drive/services/main'
import { DateTime } from 'luxon'
import { emitDomainEvent } from '#events/domain_events'
import ContactImport, { type ImportOptions } from '#models/contact_import'
import CustomField from '#models/custom_field'
import { audienceSettings } from '#services/contacts/audience_settings'
import {
  HEAD_BYTES,
  decodeHead,
  detectDelimiter,
  detectEncoding,
  readSample,
  type Delimiter,
} from '#services/imports/csv_format'
import { guessMapping, mappingMemory } from '#services/imports/column_mapping'
import { getQueue } from '#queues/queue_factory'

export const IMPORT_QUEUE = 'imports'
export const IMPORT_JOB = 'contact-import'
export const PREVIEW_ROWS = 5

/**
 * Stores an uploaded CSV file on the drive and records the import with its
 * detected encoding and separator.
 */
export function createImport(file: MultipartFile, userId: number, tenantId: number) {
  return createImportFromFile(
    { path: file.tmpPath!, name: file.clientName, size: file.size },
    userId,
    tenantId
  )
}

/**
 * Stores a CSV file from the local disk on the drive and records the import
 * the same way as an upload. `name` is the file name shown in the report.
 */
export async function createImportFromFile(
  file: { path: string; name: string; size: number },
  userId: number,
  tenantId: number
) {
  const key = `imports/${tenantId}/${randomUUID()}${extname(file.name).toLowerCase() || '.csv'}`
  await drive.use().copyFromFs(file.path, key)
  const head = await readHead(key)
  const encoding = detectEncoding(head.bytes)
  const delimiter = detectDelimiter(decodeHead(head.bytes, encoding, head.complete), head.complete)
  return ContactImport.create({
    userId,
    fileName: file.name.slice(0, 255),
    fileKey: key,
    fileSize: file.size,
    encoding,
    delimiter,
    status: 'uploaded',
    mapping: [],
    options: { duplicates: 'skip', tags: [], listIds: [] },
  })
}

/**
 * Bytes the preview reads at most when the header is longer than
 * HEAD_BYTES, as a file with thousands of columns has: 1 MiB.
 */
const WIDE_HEAD_BYTES = 1024 * 1024

async function readHead(key: string, limit = HEAD_BYTES) {
  const stream = await drive.use().getStream(key)
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer)
    length += (chunk as Buffer).length
    if (length >= limit) {
      break
    }
  }
  stream.destroy()
  const bytes = Buffer.concat(chunks).subarray(0, limit)
  return { bytes, complete: length < limit }
}

/**
 * Returns the header, the first rows and the guessed mapping of an upload,
 * read with its current encoding and separator. A header that cannot be
 * read gives no columns and its problem. Rows that cannot be read are left
 * out of the preview, and the import reports them.
 */
export async function previewImport(contactImport: ContactImport) {
  let head = await readHead(contactImport.fileKey)
  const delimiter = contactImport.delimiter as Delimiter
  let text = decodeHead(head.bytes, contactImport.encoding, head.complete)
  let items = readSample(text, delimiter, PREVIEW_ROWS + 1, head.complete)
  if (items.length === 0 && !head.complete) {
    // The header does not end in the first 64 KB: a file of thousands of columns.
    head = await readHead(contactImport.fileKey, WIDE_HEAD_BYTES)
    text = decodeHead(head.bytes, contactImport.encoding, head.complete)
    items = readSample(text, delimiter, PREVIEW_ROWS + 1, head.complete)
  }
  let cutHeader = false
  if (items.length === 0) {
    // No record ends in what was read: a quote opened early is still open, or the header goes on.
    items = readSample(text, delimiter, PREVIEW_ROWS + 1, true)
    cutHeader = !head.complete && items[0] !== undefined && 'cells' in items[0]
  }
  const [first, ...rest] = items
  const problem = first && 'problem' in first ? { line: first.line, ...first.problem } : null
  const tooLong = cutHeader || problem?.code === 'record_too_long'
  const headers = first && 'cells' in first && !tooLong ? first.cells : []
  const headerProblem = tooLong
    ? { line: 1, code: 'header_too_long', values: { limit: WIDE_HEAD_BYTES / 1024 } }
    : problem
  const rows = rest.flatMap((item) => ('cells' in item ? [item.cells] : []))
  const fields = await CustomField.query().orderBy('label')
  const settings = await audienceSettings()
  const guessed = guessMapping(headers, fields, settings.importMapping)
  const mapping = contactImport.mapping.length === headers.length ? contactImport.mapping : guessed
  return { headers, headerProblem, rows, mapping, fields }
}

/**
 * Saves the chosen mapping and options, remembers the mapping for the
 * tenant's next imports, and queues the import job.
 */
export async function startImport(
  contactImport: ContactImport,
  headers: string[],
  mapping: string[],
  options: ImportOptions
) {
  const settings = await audienceSettings()
  settings.importMapping = { ...settings.importMapping, ...mappingMemory(headers, mapping) }
  await settings.save()

  contactImport.merge({ mapping, options, status: 'queued' })
  await contactImport.save()
  // The job id is stable for one import, so a repeated start queues nothing,
  // and includes the creation time, so ids reused after a database reset
  // never meet an old job kept in Redis.
  const jobId = `contact-import-${contactImport.id}-${contactImport.createdAt.toMillis()}`
  await getQueue(IMPORT_QUEUE).add(
    IMPORT_JOB,
    { tenantId: contactImport.tenantId, importId: contactImport.id },
    { jobId, attempts: 1, removeOnComplete: 100, removeOnFail: 100 }
  )
}

/**
 * Marks an import failed with the error's message, and emits the finish event.
 */
export async function failImport(contactImport: ContactImport, error: unknown) {
  contactImport.merge({
    status: 'failed',
    error: error instanceof Error ? error.message.slice(0, 2000) : String(error),
  })
  await contactImport.save()
  await emitImportFinished(contactImport)
}

/**
 * Emits `import:finished` with the import's counts. Imported contacts get no
 * `contact:created` or `contact:updated` of their own, so this event is the
 * one that reports them.
 */
export async function emitImportFinished(contactImport: ContactImport) {
  await emitDomainEvent('import:finished', {
    tenantId: contactImport.tenantId,
    occurredAt: (contactImport.finishedAt ?? DateTime.utc()).toUTC().toISO()!,
    importId: contactImport.id,
    userId: contactImport.userId ?? null,
    status: contactImport.status === 'failed' ? 'failed' : 'finished',
    listIds: contactImport.options.listIds ?? [],
    created: contactImport.createdCount,
    updated: contactImport.updatedCount,
    kept: contactImport.keptCount,
    skipped: contactImport.duplicateCount,
    failed: contactImport.rejectedCount,
    warned: contactImport.warnedCount,
  })
}

export function importChannel(tenantId: number, importId: number) {
  return `tenants/${tenantId}/imports/${importId}`
}

import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import drive from '@adonisjs/drive/services/main'
import type ContactImport from '#models/contact_import'
import type { ReportEntry } from '#services/imports/contact_import_runner'
import { UTF8_BOM, csvLine, type CsvSeparator } from '#services/csv_cells'

type Translate = (key: string, values?: Record<string, unknown>) => string

/** Report rows shown in the page; the download has them all. */
const SAMPLE_SIZE = 200

async function* reportEntries(contactImport: ContactImport): AsyncGenerator<ReportEntry> {
  const stream = await drive.use().getStream(contactImport.reportKey!)
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() !== '') {
      yield JSON.parse(line) as ReportEntry
    }
  }
}

/**
 * Returns the report rows worth a look: rejected, duplicate and warned ones,
 * in file order, at most 200.
 */
export async function reportSample(contactImport: ContactImport) {
  if (!contactImport.reportKey) {
    return []
  }
  const sample: ReportEntry[] = []
  for await (const entry of reportEntries(contactImport)) {
    if (entry.status !== 'created' || entry.messages.length > 0) {
      sample.push(entry)
    }
    if (sample.length >= SAMPLE_SIZE) {
      break
    }
  }
  return sample
}

/**
 * Translates the messages of one report row into one sentence each.
 */
export function describeMessages(entry: ReportEntry, t: Translate) {
  return entry.messages.map((message) => t(`imports.row.${message.code}`, message.values))
}

/**
 * Streams the whole report as UTF-8 CSV with a byte order mark, so
 * spreadsheets open accents right, split by `separator`: row, status,
 * name, phone, messages.
 */
export async function streamReportCsv(
  contactImport: ContactImport,
  t: Translate,
  separator: CsvSeparator
) {
  const entries = reportEntries(contactImport)
  async function* lines() {
    const headings = [
      t('imports.report.row'),
      t('imports.report.status'),
      t('imports.report.name'),
      t('imports.report.phone'),
      t('imports.report.messages'),
    ]
    yield UTF8_BOM + csvLine(headings, separator)
    for await (const entry of entries) {
      const cells = [
        entry.row,
        t(`imports.status_row.${entry.status}`),
        entry.name,
        entry.phone,
        describeMessages(entry, t).join(' | '),
      ]
      yield csvLine(cells, separator)
    }
  }
  return Readable.from(lines())
}

import { parse } from 'csv-parse/sync'
import contactsEnglish from '../../resources/lang/en/contacts.json' with { type: 'json' }
import contactsPortuguese from '../../resources/lang/pt-BR/contacts.json' with { type: 'json' }
import messagesEnglish from '../../resources/lang/en/campaign_messages.json' with { type: 'json' }
import messagesPortuguese from '../../resources/lang/pt-BR/campaign_messages.json' with { type: 'json' }

/** Exports whose headers are translated column ids. */
export type ExportName = 'contacts' | 'campaign_messages'

/** Column ids of each export by their header in each language. */
const COLUMN_IDS: Record<ExportName, Map<string, string>> = {
  contacts: columnIds([contactsEnglish, contactsPortuguese]),
  campaign_messages: columnIds([messagesEnglish, messagesPortuguese]),
}

function columnIds(files: { csv_columns: Record<string, string> }[]) {
  return new Map(
    files.flatMap((labels) => Object.entries(labels.csv_columns).map(([id, label]) => [label, id]))
  )
}

/**
 * Reads a contacts or campaign messages CSV export, in either language and
 * with either separator, as records keyed by column id. A header that is no
 * translated column, such as a custom field's key, keys its column as it is.
 * Returns the records, the separator and the header line's cells.
 */
export function exportRecords(csv: string, name: ExportName) {
  const text = csv.replace(/^\uFEFF/, '')
  const headerLine = text.slice(0, text.indexOf('\r\n'))
  const separator = headerLine.includes(';') ? ';' : ','
  const headers = headerLine.split(separator)
  const ids = COLUMN_IDS[name]
  const records = parse(text, {
    delimiter: separator,
    columns: (header: string[]) => header.map((label) => ids.get(label) ?? label),
  }) as Record<string, string>[]
  return { records, separator, headers }
}

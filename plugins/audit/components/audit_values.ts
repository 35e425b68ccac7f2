/** Names of the records that entries refer to, by kind and then by id, as the server sends them. */
export interface ReferenceNames {
  lists: Record<string, string>
  campaigns: Record<string, string>
  members: Record<string, string>
}

/** Page helpers and names that `describeValue` uses. */
export interface ValueWords {
  t: (key: string, values?: Record<string, unknown>) => string
  formatDate: (value: string) => string
  locale: string
  references: ReferenceNames
  /** Labels a field name, such as "Lists" for `listIds`. */
  fieldLabel: (field: string) => string
}

/** Reference kind of the fields whose values are record ids. */
const REFERENCE_KINDS: Record<string, keyof ReferenceNames> = {
  listId: 'lists',
  listIds: 'lists',
  campaignId: 'campaigns',
  campaignIds: 'campaigns',
  userId: 'members',
}

/** A date and time as JSON carries it, such as 2026-12-05T11:20:00.000Z. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/** Returns the translation of `key`, or `null` when the page has none. */
function translated(words: ValueWords, key: string) {
  const text = words.t(key)
  return text === key ? null : text
}

function scalarText(field: string, value: unknown, words: ValueWords): string {
  if (value === null || value === undefined || value === '') {
    return '—'
  }
  if (typeof value === 'boolean') {
    return words.t(value ? 'audit.values.yes' : 'audit.values.no')
  }
  const kind = REFERENCE_KINDS[field]
  if (kind) {
    return words.references[kind][String(value)] ?? `#${value}`
  }
  if (typeof value === 'number') {
    return new Intl.NumberFormat(words.locale).format(value)
  }
  const text = String(value)
  if (ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) {
    return words.formatDate(text)
  }
  return translated(words, `audit.values.${field}.${text}`) ?? text
}

/**
 * Describes a changed value in words for the audit log. A flag becomes yes
 * or no, ids become the names of their lists, campaigns or members, and
 * known codes such as a connection status get the page's labels. Dates and
 * numbers follow the page's locale, and a group of values becomes one
 * "Label: value" line each. Text without a label shows as it was stored.
 */
export function describeValue(field: string, value: unknown, words: ValueWords): string {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return '—'
    }
    const items = value.map((item) => describeValue(field, item, words))
    return items.some((item) => item.includes('\n')) ? items.join('\n\n') : items.join(', ')
  }
  if (value !== null && typeof value === 'object') {
    const lines = Object.entries(value).map(([key, item]) => {
      const text = describeValue(key, item, words)
      const label = words.fieldLabel(key)
      return text.includes('\n') ? `${label}:\n${text}` : `${label}: ${text}`
    })
    return lines.length > 0 ? lines.join('\n') : '—'
  }
  return scalarText(field, value, words)
}

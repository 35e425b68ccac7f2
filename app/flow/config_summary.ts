/**
 * The one-line summary of a node's configuration, shown under the type's
 * name on the flow editor's cards and in step names ("Send message ·
 * Welcome") on pages, exports and the audit log. The server and the
 * browser bundle both import this file, so it imports nothing.
 */

/** Maximum summary length, in characters. A longer summary is cut with an ellipsis. */
export const MAX_SUMMARY_LENGTH = 60

const DURATION_UNITS = new Set(['seconds', 'minutes', 'hours', 'days'])

/** Returns the message of a translation key in the reader's language, filled with `values`. */
export type SummaryTranslate = (key: string, values?: Record<string, string | number>) => string

/** Options of a field's `summary`, as `FieldSummary` of the plugin SDK documents them. */
export interface SummaryOptions {
  prefix?: string
  separator?: string
  items?: 'all' | 'first'
  more?: string
  fallback?: 'item-letter'
}

/**
 * The part of a node type's form field that its summary depends on, with
 * `label` of options and `unit` already in the reader's language.
 */
export interface SummarizedField {
  name: string
  kind: string
  summary?: boolean | SummaryOptions
  visibleWhen?: { field: string; in: unknown[] }
  options?: { value: string | number; label: string }[]
  unit?: string
  itemFields?: SummarizedField[]
}

/** Names a summary reads by id or key besides the configuration. */
export interface SummarySources {
  /** Name of a saved template. */
  templateName: (templateId: number) => string | undefined
  /** Label of a standard attribute or custom field, by key. */
  contactFieldLabel: (key: string) => string | undefined
  /** Name of a contact list, by id. */
  contactListName: (listId: number) => string | undefined
}

const NODE_SEPARATOR = ' · '
const ITEM_SEPARATOR = ' '

/** Returns the letter of a list item by its position: A for 0, Z for 25, AA for 26. */
export function itemLetter(position: number) {
  let letters = ''
  for (let rest = position + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = `${String.fromCharCode(65 + ((rest - 1) % 26))}${letters}`
  }
  return letters
}

/** Collapses whitespace to single spaces and cuts text longer than MAX_SUMMARY_LENGTH. */
export function clipSummary(text: string) {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > MAX_SUMMARY_LENGTH ? `${line.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : line
}

/**
 * Summarises the value of a node's first form field: a saved template's
 * name (`templateName` reads it by id) or the start of the text, a
 * duration, a time window. Returns `''` for a kind it cannot summarise.
 */
export function summarizeFieldValue(
  field: SummarizedField | undefined,
  value: any,
  templateName: (templateId: number) => string | undefined,
  t: SummaryTranslate
) {
  if (!field || value === null || value === undefined) {
    return ''
  }
  switch (field.kind) {
    case 'template':
      if (typeof value.templateId === 'number') {
        return templateName(value.templateId) ?? ''
      }
      return clipSummary(String(value.text ?? ''))
    case 'duration':
      if (!DURATION_UNITS.has(value.unit)) {
        return ''
      }
      return t(`flow.fields.duration_value.${value.unit}`, { amount: Number(value.amount) || 0 })
    case 'time-window':
      return `${value.start ?? '?'}–${value.end ?? '?'}`
    case 'text':
    case 'textarea':
    case 'number':
      return clipSummary(String(value))
    default:
      return ''
  }
}

function optionsOf(field: SummarizedField): SummaryOptions {
  return typeof field.summary === 'object' ? field.summary : {}
}

function isVisible(field: SummarizedField, values: Record<string, unknown>) {
  return !field.visibleWhen || field.visibleWhen.in.includes(values[field.visibleWhen.field])
}

/**
 * Joins the summaries of the visible fields marked with `summary`, skipping
 * empty ones. `position` is the index of the list item `values` belongs to.
 */
function joinFields(
  fields: SummarizedField[],
  values: Record<string, unknown>,
  sources: SummarySources,
  t: SummaryTranslate,
  separator: string,
  position?: number
) {
  let text = ''
  for (const field of fields) {
    if (!field.summary || !isVisible(field, values)) {
      continue
    }
    const part = summarizePart(field, values[field.name], sources, t, position)
    if (part !== '') {
      text = text === '' ? part : `${text}${optionsOf(field).separator ?? separator}${part}`
    }
  }
  return text
}

function summarizeList(
  field: SummarizedField,
  value: unknown,
  sources: SummarySources,
  t: SummaryTranslate
) {
  const items = (Array.isArray(value) ? value : [])
    .map((item: unknown, position) => ({ item, position }))
    .filter(
      (entry): entry is { item: Record<string, unknown>; position: number } =>
        typeof entry.item === 'object' && entry.item !== null
    )
  const summarize = ({ item, position }: (typeof items)[number]) =>
    joinFields(field.itemFields ?? [], item, sources, t, ITEM_SEPARATOR, position)
  const options = optionsOf(field)
  if (options.items !== 'first') {
    return items.map(summarize).filter(Boolean).join(NODE_SEPARATOR)
  }
  const first = items.length > 0 ? summarize(items[0]) : ''
  const more = items.length > 1 && options.more ? t(options.more, { count: items.length - 1 }) : ''
  return [first, more].filter(Boolean).join(NODE_SEPARATOR)
}

/** Summarises one field marked with `summary`, without its prefix. */
function summarizeValue(
  field: SummarizedField,
  value: unknown,
  sources: SummarySources,
  t: SummaryTranslate
): string {
  switch (field.kind) {
    case 'select':
      return field.options?.find((option) => option.value === value)?.label ?? ''
    case 'contact-field':
      return typeof value === 'string' && value !== ''
        ? (sources.contactFieldLabel(value) ?? value)
        : ''
    case 'contact-list':
      return typeof value === 'number' ? (sources.contactListName(value) ?? '') : ''
    case 'number':
      if (typeof value !== 'number') {
        return ''
      }
      return field.unit ? `${value} ${field.unit}` : String(value)
    case 'list':
      return summarizeList(field, value, sources, t)
    default:
      return summarizeFieldValue(field, value, sources.templateName, t)
  }
}

function summarizePart(
  field: SummarizedField,
  value: unknown,
  sources: SummarySources,
  t: SummaryTranslate,
  position?: number
) {
  const options = optionsOf(field)
  const prefix = options.prefix ?? ''
  if (field.kind === 'keywords') {
    const words = Array.isArray(value) ? value.filter((word) => typeof word === 'string') : []
    return words.map((word) => `${prefix}${word}`).join(' ')
  }

  let text = summarizeValue(field, value, sources, t)
  if (text === '' && options.fallback === 'item-letter' && position !== undefined) {
    text = itemLetter(position)
  }
  return text === '' ? '' : `${prefix}${text}`
}

/**
 * Summarises a node's configuration from its type's form fields: the
 * fields marked with `summary`, in form order, or the first field when
 * none is marked. `fields` carry labels in the reader's language.
 */
export function summarizeConfig(
  fields: SummarizedField[],
  config: Record<string, unknown> | null | undefined,
  sources: SummarySources,
  t: SummaryTranslate
) {
  const values = config ?? {}
  if (!fields.some((field) => field.summary)) {
    const first = fields[0]
    return summarizeFieldValue(first, values[first?.name ?? ''], sources.templateName, t)
  }
  return clipSummary(joinFields(fields, values, sources, t, NODE_SEPARATOR))
}

import { IANAZone } from 'luxon'
import type CustomField from '#models/custom_field'
import { parsePhone, timezoneForCountry, type PhoneNotice } from '#services/contacts/phone_numbers'
import { parseFieldValue, type StoredFieldValue } from '#services/contacts/custom_field_values'
import { TAG_MAX_LENGTH, tagParts } from '#services/contacts/contact_service'
import { restoreDefused } from '#services/csv_cells'

/** A problem or remark on one row, with the values its message names. */
export interface RowMessage {
  code: string
  values: Record<string, string | number>
}

export interface ImportedRow {
  row: number
  phone: string
  extraPhones: string[]
  name: string | null
  email: string | null
  city: string | null
  notes: string | null
  timezone: string
  language: string | null
  landline: boolean
  tags: string[]
  fields: { fieldId: number; value: StoredFieldValue }[]
  /** Whether the file gave the time zone, so an update leaves an inferred one alone. */
  timezoneGiven: boolean
  warnings: RowMessage[]
}

export type RowOutcome =
  | { ok: true; contact: ImportedRow }
  | { ok: false; row: number; name: string | null; rejection: RowMessage }

export interface RowContext {
  mapping: string[]
  /** The file's header cells, which messages use to name a column. */
  headers: string[]
  defaultCountry: string
  defaultTimezone: string
  fieldsByKey: Map<string, CustomField>
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Maximum characters a column can fill, as the contacts table stores them
 * (`notes` is a TEXT column, held to the contact form's 5,000). Lengths
 * count UTF-16 code units, as the form's validators and a spreadsheet's LEN
 * do, so an emoji counts 2.
 */
const TARGET_LIMITS: Record<string, number> = {
  name: 160,
  first_name: 160,
  last_name: 160,
  city: 120,
  language: 10,
  notes: 5000,
}

/** Maximum characters of a custom field value, the size of `contact_field_values.text_value`. */
const FIELD_VALUE_LIMIT = 1000

/** Characters of a long tag that a message quotes. */
const TAG_EXCERPT_LENGTH = 30

/**
 * Separator of several numbers in one cell: ` ::: ` as Google Contacts
 * writes them, or spaces before a `+`, as the contacts export writes the
 * extra phones (`+5511912340001 +5521912340002`). A space inside one number
 * such as `+55 11 91234-0001` is never followed by a `+`.
 */
const MULTI_VALUE = /\s*:::\s*|\s+(?=\+)/

/**
 * Turns one CSV record into contact data, or a rejection that names the
 * value. The first mobile among all phone columns becomes the contact's
 * number, the other valid ones its extra phones.
 */
export function readRow(row: number, cells: string[], context: RowContext): RowOutcome {
  const values = collect(cells, context.mapping)
  const name = joinName(values)
  const overLimit = findOverLimit(row, cells, context, name)
  if (overLimit) {
    return { ok: false, row, name: shorten(name, TARGET_LIMITS.name), rejection: overLimit }
  }
  const phone = choosePhone(values.phone ?? [], context.defaultCountry)
  if (!phone.ok) {
    return { ok: false, row, name, rejection: phone.rejection }
  }

  const warnings: RowMessage[] = phone.notices.map((code) => ({
    code,
    values: { value: phone.raw },
  }))
  const contact: ImportedRow = {
    row,
    phone: phone.e164,
    extraPhones: phone.extras,
    name,
    email: readEmail(first(values.email), warnings),
    city: first(values.city),
    notes: values.notes ? values.notes.join('\n') : null,
    timezone:
      readTimezone(first(values.timezone), warnings) ??
      timezoneForCountry(phone.country, context.defaultTimezone),
    language: first(values.language),
    landline: phone.notices.includes('landline'),
    tags: [...new Set((values.tags ?? []).flatMap((cell) => tagParts(cell)))].filter(isUserTag),
    fields: readFields(values, context.fieldsByKey, warnings),
    timezoneGiven: values.timezone !== undefined,
    warnings,
  }
  return { ok: true, contact }
}

/**
 * Groups the row's non-empty cells by target, trimmed and without the `'`
 * that the exports put before a formula.
 */
function collect(cells: string[], mapping: string[]) {
  const values: Record<string, string[]> = {}
  mapping.forEach((target, index) => {
    const cell = restoreDefused(cells[index]?.trim() ?? '').trim()
    if (target === 'ignore' || cell === '') {
      return
    }
    ;(values[target] ??= []).push(cell)
  })
  return values
}

function first(values: string[] | undefined) {
  return values?.[0] ?? null
}

function joinName(values: Record<string, string[]>) {
  const full = first(values.name)
  if (full) {
    return full
  }
  const parts = [first(values.first_name), first(values.last_name)].filter(Boolean)
  return parts.length > 0 ? parts.join(' ') : null
}

/**
 * Returns the rejection of a row with a value longer than its column stores,
 * naming the file's column, so no value is stored cut. A name joined from
 * first and last name columns must fit as a whole.
 */
function findOverLimit(
  row: number,
  cells: string[],
  context: RowContext,
  name: string | null
): RowMessage | null {
  const { mapping, fieldsByKey } = context
  for (const [index, target] of mapping.entries()) {
    const value = cells[index]?.trim() ?? ''
    const isField = target.startsWith('field:') && fieldsByKey.has(target.slice(6))
    const limit = isField ? FIELD_VALUE_LIMIT : TARGET_LIMITS[target]
    if (limit !== undefined && value.length > limit) {
      return tooLong(row, columnName(context, index), value.length, limit)
    }
    if (target === 'tags') {
      const tag = tagParts(value).find((part) => part.length > TAG_MAX_LENGTH)
      if (tag) {
        return tagTooLong(row, columnName(context, index), tag)
      }
    }
  }

  // Every column fits, so a name over the limit is joined from first and last name.
  if (name !== null && name.length > TARGET_LIMITS.name) {
    const columns = ['first_name', 'last_name']
      .map((target) => mapping.indexOf(target))
      .filter((index) => index !== -1)
      .map((index) => columnName(context, index))
    return tooLong(row, columns.join(' + '), name.length, TARGET_LIMITS.name)
  }
  return null
}

/**
 * Returns the header of a column, or `#3` for a column without one, as the
 * mapping page shows it.
 */
function columnName(context: RowContext, index: number) {
  const header = context.headers[index]?.trim()
  return header ? header : `#${index + 1}`
}

function tooLong(row: number, column: string, length: number, limit: number): RowMessage {
  return { code: 'too_long', values: { row, column, length, limit } }
}

function tagTooLong(row: number, column: string, tag: string): RowMessage {
  return {
    code: 'tag_too_long',
    values: {
      row,
      column,
      value: shorten(tag, TAG_EXCERPT_LENGTH),
      length: tag.length,
      limit: TAG_MAX_LENGTH,
    },
  }
}

/** Returns the text cut to `length` characters with an ellipsis, for a message or the report. */
function shorten<T extends string | null>(text: T, length: number): T {
  if (text === null || text.length <= length) {
    return text
  }
  return `${Array.from(text).slice(0, length).join('')}…` as T
}

/** Google Contacts marks its own groups with `* `, such as `* myContacts`. */
function isUserTag(tag: string) {
  return !tag.startsWith('*')
}

type PhoneChoice =
  | {
      ok: true
      e164: string
      raw: string
      country?: string
      notices: PhoneNotice[]
      extras: string[]
    }
  | { ok: false; rejection: RowMessage }

function choosePhone(cells: string[], country: string): PhoneChoice {
  if (cells.length === 1 && !MULTI_VALUE.test(cells[0])) {
    return readSinglePhone(cells[0], country)
  }
  const raws = cells.flatMap((cell) => cell.split(MULTI_VALUE)).filter((raw) => raw !== '')
  if (raws.length === 0) {
    return { ok: false, rejection: { code: 'phone_missing', values: {} } }
  }

  const parsed = raws.map((raw) => ({ raw, result: parsePhone(raw, country) }))
  const valid = parsed.filter((entry) => entry.result.ok)
  if (valid.length === 0) {
    const failure = parsed[0].result as { problem: string; value: string }
    return {
      ok: false,
      rejection: { code: `phone_${failure.problem}`, values: { value: failure.value } },
    }
  }

  const primary =
    valid.find((entry) => entry.result.ok && !entry.result.notices.includes('landline')) ?? valid[0]
  const result = primary.result as Extract<typeof primary.result, { ok: true }>
  const extras = valid
    .map((entry) => (entry.result as typeof result).e164)
    .filter((number) => number !== result.e164)
  return {
    ok: true,
    e164: result.e164,
    raw: primary.raw,
    country: result.country,
    notices: result.notices,
    extras: [...new Set(extras)],
  }
}

/**
 * Reads the one number of a row with a single phone cell, which is what most
 * files have, without the intermediate arrays of the general case.
 */
function readSinglePhone(raw: string, country: string): PhoneChoice {
  const result = parsePhone(raw, country)
  if (!result.ok) {
    return {
      ok: false,
      rejection: { code: `phone_${result.problem}`, values: { value: result.value } },
    }
  }
  return {
    ok: true,
    e164: result.e164,
    raw,
    country: result.country,
    notices: result.notices,
    extras: [],
  }
}

function readEmail(value: string | null, warnings: RowMessage[]) {
  if (!value) {
    return null
  }
  const email = value.toLowerCase()
  if (!EMAIL.test(email) || email.length > 254) {
    warnings.push({ code: 'email_invalid', values: { value } })
    return null
  }
  return email
}

function readTimezone(value: string | null, warnings: RowMessage[]) {
  if (!value) {
    return undefined
  }
  if (!IANAZone.isValidZone(value)) {
    warnings.push({ code: 'timezone_invalid', values: { value } })
    return undefined
  }
  return value
}

function readFields(
  values: Record<string, string[]>,
  fieldsByKey: Map<string, CustomField>,
  warnings: RowMessage[]
) {
  const fields: ImportedRow['fields'] = []
  if (fieldsByKey.size === 0) {
    return fields
  }
  for (const [target, cells] of Object.entries(values)) {
    const field = target.startsWith('field:') ? fieldsByKey.get(target.slice(6)) : undefined
    if (!field) {
      continue
    }
    const parsed = parseFieldValue(field, cells[0])
    if (parsed.ok) {
      fields.push({ fieldId: field.id, value: parsed.value })
    } else {
      warnings.push({
        code: `field_${parsed.reason}`,
        values: { field: field.label, value: parsed.value },
      })
    }
  }
  return fields
}

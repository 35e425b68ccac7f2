import { IANAZone } from 'luxon'
import type CustomField from '#models/custom_field'
import { parsePhone, timezoneForCountry, type PhoneNotice } from '#services/contacts/phone_numbers'
import { parseFieldValue, type StoredFieldValue } from '#services/contacts/custom_field_values'
import { splitTags } from '#services/contacts/contact_service'

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
  defaultCountry: string
  defaultTimezone: string
  fieldsByKey: Map<string, CustomField>
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Several numbers in one cell, as Google Contacts writes them: `a ::: b`.
 */
const MULTI_VALUE = /\s*:::\s*/

/**
 * Turns one CSV record into contact data, or a rejection that names the
 * value. The first mobile among all phone columns becomes the contact's
 * number, the other valid ones its extra phones.
 */
export function readRow(row: number, cells: string[], context: RowContext): RowOutcome {
  const values = collect(cells, context.mapping)
  const name = joinName(values)
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
    language: first(values.language)?.slice(0, 10) ?? null,
    landline: phone.notices.includes('landline'),
    tags: (values.tags ?? []).flatMap((cell) => splitTags(cell)).filter(isUserTag),
    fields: readFields(values, context.fieldsByKey, warnings),
    timezoneGiven: values.timezone !== undefined,
    warnings,
  }
  return { ok: true, contact }
}

function collect(cells: string[], mapping: string[]) {
  const values: Record<string, string[]> = {}
  mapping.forEach((target, index) => {
    const cell = cells[index]?.trim() ?? ''
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
    return full.slice(0, 160)
  }
  const parts = [first(values.first_name), first(values.last_name)].filter(Boolean)
  return parts.length > 0 ? parts.join(' ').slice(0, 160) : null
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
  if (cells.length === 1 && !cells[0].includes(':::')) {
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

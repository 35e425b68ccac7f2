import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type CustomField from '#models/custom_field'
import { currentTenantId } from '#tenancy/tenant_context'
import { insertChunks, type Client } from '#services/contacts/bulk_writes'

/** A custom field value as it is stored: one typed column set, the others null. */
export interface StoredFieldValue {
  textValue: string | null
  numberValue: number | null
  dateValue: string | null
}

export type FieldValueResult =
  | { ok: true; value: StoredFieldValue }
  | { ok: false; reason: 'number' | 'date' | 'boolean' | 'choice'; value: string }

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'sim', 's', 'x', 'verdadeiro'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'nao', 'não', 'falso'])
const DATE_FORMATS = ['yyyy-MM-dd', 'dd/MM/yyyy', 'd/M/yyyy', 'dd-MM-yyyy', 'dd.MM.yyyy']

/**
 * Reads a text value (from a form or a CSV cell) for a field of that type.
 * Numbers accept `1.234,56` and `1,234.56`; dates accept ISO and day-first
 * forms, because Brazilian spreadsheets write `31/12/2024`.
 */
export function parseFieldValue(field: CustomField, raw: string): FieldValueResult {
  const value = raw.trim()
  const empty: StoredFieldValue = { textValue: null, numberValue: null, dateValue: null }
  if (value === '') {
    return { ok: true, value: empty }
  }

  switch (field.type) {
    case 'number': {
      const number = parseLocaleNumber(value)
      return number === undefined
        ? { ok: false, reason: 'number', value }
        : { ok: true, value: { ...empty, textValue: value, numberValue: number } }
    }
    case 'date': {
      const date = parseDate(value)
      return date === undefined
        ? { ok: false, reason: 'date', value }
        : { ok: true, value: { ...empty, textValue: date, dateValue: date } }
    }
    case 'boolean': {
      const word = value.toLowerCase()
      if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) {
        return { ok: false, reason: 'boolean', value }
      }
      const flag = TRUE_WORDS.has(word) ? 1 : 0
      return { ok: true, value: { ...empty, textValue: String(flag), numberValue: flag } }
    }
    case 'choice': {
      const option = field.options.find((entry) => entry.toLowerCase() === value.toLowerCase())
      return option === undefined
        ? { ok: false, reason: 'choice', value }
        : { ok: true, value: { ...empty, textValue: option } }
    }
    default:
      return { ok: true, value: { ...empty, textValue: value.slice(0, 1000) } }
  }
}

function parseLocaleNumber(value: string) {
  const compact = value.replace(/\s/g, '')
  if (!/^[-+]?[\d.,]+$/.test(compact)) {
    return undefined
  }
  const lastComma = compact.lastIndexOf(',')
  const lastDot = compact.lastIndexOf('.')
  const decimal = lastComma > lastDot ? ',' : '.'
  const thousands = decimal === ',' ? /\./g : /,/g
  const normalised = compact.replace(thousands, '').replace(decimal, '.')
  const number = Number(normalised)
  return Number.isFinite(number) ? number : undefined
}

function parseDate(value: string) {
  for (const format of DATE_FORMATS) {
    const date = DateTime.fromFormat(value, format, { zone: 'utc' })
    if (date.isValid) {
      return date.toISODate()!
    }
  }
  return undefined
}

/**
 * Writes custom field values of many contacts at once, replacing earlier
 * values of the same field. An empty value deletes the stored one.
 */
export async function saveFieldValues(
  entries: { contactId: number; fieldId: number; value: StoredFieldValue }[],
  client: Client = db.connection()
) {
  const tenantId = currentTenantId()!
  const filled = entries
    .filter((entry) => entry.value.textValue !== null)
    .map((entry) => ({
      tenant_id: tenantId,
      contact_id: entry.contactId,
      custom_field_id: entry.fieldId,
      text_value: entry.value.textValue,
      number_value: entry.value.numberValue,
      date_value: entry.value.dateValue,
    }))
  for (const chunk of insertChunks(filled)) {
    await client
      .table('contact_field_values')
      .multiInsert(chunk)
      .onConflict(['contact_id', 'custom_field_id'])
      .merge(['text_value', 'number_value', 'date_value'])
  }

  const clearedByField = new Map<number, number[]>()
  for (const entry of entries.filter((candidate) => candidate.value.textValue === null)) {
    const contactIds = clearedByField.get(entry.fieldId) ?? []
    contactIds.push(entry.contactId)
    clearedByField.set(entry.fieldId, contactIds)
  }
  for (const [fieldId, contactIds] of clearedByField) {
    await client
      .from('contact_field_values')
      .where('custom_field_id', fieldId)
      .whereIn('contact_id', contactIds)
      .delete()
  }
}

/**
 * Returns `{ fieldKey: text }` of each contact, for display and templates.
 */
export async function fieldValuesOf(contactIds: number[]) {
  const result = new Map<number, Record<string, string>>()
  if (contactIds.length === 0) {
    return result
  }
  const rows = await db
    .from('contact_field_values')
    .join('custom_fields', 'custom_fields.id', 'contact_field_values.custom_field_id')
    .whereIn('contact_field_values.contact_id', contactIds)
    .where('contact_field_values.tenant_id', currentTenantId()!)
    .select(
      'contact_field_values.contact_id',
      'custom_fields.key',
      'contact_field_values.text_value'
    )
  for (const row of rows) {
    const values = result.get(row.contact_id) ?? {}
    values[row.key] = row.text_value
    result.set(row.contact_id, values)
  }
  return result
}

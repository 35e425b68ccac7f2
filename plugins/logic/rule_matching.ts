import { DateTime, type ContactFieldType } from '#sdk'

/**
 * Matching of a contact's field against one rule of a condition. Text is
 * compared case- and accent-insensitively ("São Paulo" is "sao paulo"),
 * numbers may be written the Brazilian way (`1.234,56`) or the English way
 * (`1,234.56`), and dates as `2025-12-31` or `31/12/2025`.
 */

export const OPERATORS = [
  'is',
  'is_not',
  'contains',
  'not_contains',
  'is_empty',
  'is_filled',
  'greater',
  'less',
] as const
export type Operator = (typeof OPERATORS)[number]

/** Operators that compare with no value. */
export const VALUELESS_OPERATORS: Operator[] = ['is_empty', 'is_filled']

/** Operators each field type accepts. */
export const OPERATORS_BY_TYPE: Record<ContactFieldType, Operator[]> = {
  text: ['is', 'is_not', 'contains', 'not_contains', 'is_empty', 'is_filled'],
  choice: ['is', 'is_not', 'contains', 'not_contains', 'is_empty', 'is_filled'],
  number: ['is', 'is_not', 'greater', 'less', 'is_empty', 'is_filled'],
  date: ['is', 'is_not', 'greater', 'less', 'is_empty', 'is_filled'],
  boolean: ['is', 'is_not', 'is_empty', 'is_filled'],
  tags: ['contains', 'not_contains', 'is_empty', 'is_filled'],
}

export interface ConditionRule {
  operator: Operator
  value: string | null
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'sim', 's', 'verdadeiro'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'nao', 'falso'])
const DATE_FORMATS = ['yyyy-MM-dd', 'dd/MM/yyyy', 'd/M/yyyy', 'dd-MM-yyyy', 'dd.MM.yyyy']

/** Lowercase, accent-free, single-spaced and trimmed. */
export function normalizeText(value: string) {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()
}

/**
 * Reads a number written with either decimal separator, such as
 * `1.234,56`, `1,234.56`, `10,5` or `R$ 99,90`. The last separator is the
 * decimal one, the way the contact import reads number fields, so `1.500`
 * is one and a half in both. Returns `undefined` for anything else.
 */
export function parseNumber(value: string): number | undefined {
  const compact = value.replace(/\s|R\$|\$/g, '')
  if (!/^[-+]?(\d|[.,]\d)[\d.,]*$/.test(compact)) {
    return undefined
  }
  const decimal = compact.lastIndexOf(',') > compact.lastIndexOf('.') ? ',' : '.'
  const thousands = decimal === ',' ? /\./g : /,/g
  const number = Number(compact.replace(thousands, '').replace(decimal, '.'))
  return Number.isFinite(number) ? number : undefined
}

/** Reads a date as `yyyy-MM-dd`, from ISO or day-first forms; `undefined` when it is not a date. */
export function parseDate(value: string): string | undefined {
  for (const format of DATE_FORMATS) {
    const date = DateTime.fromFormat(value.trim(), format, { zone: 'utc' })
    if (date.isValid) {
      return date.toISODate()!
    }
  }
  return undefined
}

/** Reads a yes or no word, in English or Portuguese; `undefined` when it is neither. */
export function parseBoolean(value: string): boolean | undefined {
  const word = normalizeText(value)
  if (TRUE_WORDS.has(word)) return true
  if (FALSE_WORDS.has(word)) return false
  return undefined
}

export function isEmptyValue(value: unknown) {
  if (value === null || value === undefined) return true
  if (Array.isArray(value)) return value.length === 0
  return typeof value === 'string' && value.trim() === ''
}

/** Compares two values of one kind: negative, zero or positive, or `undefined` when they are not comparable. */
function compareValues(actual: unknown, expected: string): number | undefined {
  if (typeof actual === 'number') {
    const number = parseNumber(expected)
    return number === undefined ? undefined : actual - number
  }
  if (typeof actual === 'boolean') {
    const flag = parseBoolean(expected)
    return flag === undefined ? undefined : Number(actual) - Number(flag)
  }
  const text = String(actual)
  const [actualDate, expectedDate] = [parseDate(text), parseDate(expected)]
  if (actualDate !== undefined && expectedDate !== undefined) {
    return actualDate.localeCompare(expectedDate)
  }
  const [actualNumber, expectedNumber] = [parseNumber(text), parseNumber(expected)]
  if (actualNumber !== undefined && expectedNumber !== undefined) {
    return actualNumber - expectedNumber
  }
  return undefined
}

function isEqual(actual: unknown, expected: string) {
  if (typeof actual === 'string' && normalizeText(actual) === normalizeText(expected)) {
    return true
  }
  return compareValues(actual, expected) === 0
}

function contains(actual: unknown, expected: string) {
  const needle = normalizeText(expected)
  if (Array.isArray(actual)) {
    return actual.some((item) => normalizeText(String(item)) === needle)
  }
  return normalizeText(String(actual)).includes(needle)
}

/**
 * Tells whether a contact's field value matches the rule. An empty field matches
 * only `is_empty`, `is_not` and `not_contains`: a contact without a city
 * is not in São Paulo.
 */
export function matchesRule(actual: unknown, rule: ConditionRule) {
  const empty = isEmptyValue(actual)
  if (rule.operator === 'is_empty' || rule.operator === 'is_filled') {
    return empty === (rule.operator === 'is_empty')
  }
  if (empty) {
    return rule.operator === 'is_not' || rule.operator === 'not_contains'
  }
  const expected = rule.value ?? ''
  switch (rule.operator) {
    case 'is':
      return isEqual(actual, expected)
    case 'is_not':
      return !isEqual(actual, expected)
    case 'contains':
      return contains(actual, expected)
    case 'not_contains':
      return !contains(actual, expected)
    case 'greater':
      return (compareValues(actual, expected) ?? 0) > 0
    case 'less':
      return (compareValues(actual, expected) ?? 0) < 0
  }
}

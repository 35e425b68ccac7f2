import { DateTime } from 'luxon'
import CustomField from '#models/custom_field'
import type { I18n } from '@adonisjs/i18n'
import { Exception } from '@adonisjs/core/exceptions'
import { CONSENT_STATES, type ConsentState } from '#models/contact'

export type SegmentRule =
  | { type: 'tag'; op: 'has' | 'has_not'; value: string }
  | { type: 'field'; key: string; op: FieldOperator; value?: string }
  | { type: 'city'; op: 'is' | 'is_not' | 'contains'; value: string }
  | { type: 'consent'; op: 'is' | 'is_not'; value: ConsentState }
  | { type: 'created' | 'last_contacted'; op: 'before' | 'after'; value: string }
  /** `value`: the campaign replied to; any campaign when left out. */
  | { type: 'replied'; op: 'yes' | 'no'; value?: number }
  | { type: 'list'; op: 'in' | 'not_in'; value: number }

export type FieldOperator = 'is' | 'is_not' | 'contains' | 'gt' | 'lt' | 'empty' | 'not_empty'

/** Rules combined with AND (`all`) or OR (`any`); groups nest. */
export interface SegmentGroup {
  match: 'all' | 'any'
  rules: (SegmentRule | SegmentGroup)[]
}

const FIELD_OPERATORS: FieldOperator[] = [
  'is',
  'is_not',
  'contains',
  'gt',
  'lt',
  'empty',
  'not_empty',
]

/** Deepest nesting of groups; the editor offers one level of sub-groups. */
const MAX_DEPTH = 3
const MAX_RULES = 100

/**
 * A value a rule names that cannot be used, such as a day missing from the
 * calendar, with the rule's type and operator, so the message names the rule
 * as the editor shows it.
 */
export interface InvalidRuleValue {
  type: string
  op: string
  value: string
  /** Key of the message under `lists.rule_errors`. */
  problem: 'date_invalid' | 'number_invalid' | 'value_missing' | 'field_missing'
}

/**
 * Raised for rules that cannot be evaluated. `path` points to the rule, such
 * as `rules.2.rules.0`, so the editor marks it.
 */
export class SegmentRulesException extends Exception {
  static status = 422
  static code = 'E_SEGMENT_INVALID'
  /** The problems of the other rules found in the same check, in rule order. */
  others: SegmentRulesException[] = []

  constructor(
    readonly path: string,
    readonly reason: string,
    readonly invalidValue?: InvalidRuleValue
  ) {
    super(`Invalid segment rule at "${path}": ${reason}`)
  }
}

/**
 * Checks each rule with `check`, gathering the rules' problems in `problems`
 * so one save reports every bad rule. Returns null for a rule that failed.
 */
function eachRule<Item, Result>(
  items: Item[],
  problems: SegmentRulesException[],
  check: (item: Item, index: number) => Result
) {
  return items.map((item, index) => {
    try {
      return check(item, index)
    } catch (error) {
      if (!(error instanceof SegmentRulesException)) throw error
      problems.push(error)
      return null
    }
  })
}

/** Raises the first problem with the others attached, when there is any. */
function raiseProblems(problems: SegmentRulesException[]) {
  if (problems.length > 0) {
    const [first, ...others] = problems
    first.others = others
    throw first
  }
}

/**
 * Returns the message of a rules error in the request's language. An invalid
 * value is named with the rule's number and name, and other errors give the
 * path and the reason.
 */
export function segmentRulesMessage(error: SegmentRulesException, i18n: I18n) {
  const invalid = error.invalidValue
  if (!invalid) {
    const number = ruleNumber(error.path) || error.path
    return i18n.t('lists.rules_invalid', { number, reason: error.reason })
  }
  const rule = `${i18n.t(`lists.rule_types.${invalid.type}`)} ${i18n.t(`lists.ops.${invalid.op}`)}`
  return i18n.t(`lists.rule_errors.${invalid.problem}`, {
    number: ruleNumber(error.path),
    rule,
    value: invalid.value,
    example: 1234.56,
  })
}

/** Numbers a rule as the editor lists it, from 1: `rules.2.rules.0` is rule 3.1. */
function ruleNumber(path: string) {
  return path
    .split('.')
    .filter((part) => /^\d+$/.test(part))
    .map((index) => Number(index) + 1)
    .join('.')
}

export function isGroup(rule: SegmentRule | SegmentGroup): rule is SegmentGroup {
  return 'match' in rule
}

/**
 * Checks untrusted input (a form, the API) and returns it as a typed group.
 * Raises the first bad rule's problem with every other one in `others`.
 */
export function parseSegmentGroup(input: unknown): SegmentGroup {
  const problems: SegmentRulesException[] = []
  const group = parseGroup(input, 'rules', 1, problems)
  raiseProblems(problems)
  return group
}

function parseGroup(
  input: unknown,
  path: string,
  depth: number,
  problems: SegmentRulesException[]
): SegmentGroup {
  const group = input as Partial<SegmentGroup> | null
  if (!group || typeof group !== 'object' || !['all', 'any'].includes(group.match as string)) {
    throw new SegmentRulesException(path, 'a group needs "match": "all" or "any"')
  }
  if (!Array.isArray(group.rules) || group.rules.length > MAX_RULES) {
    throw new SegmentRulesException(path, `a group needs a list of at most ${MAX_RULES} rules`)
  }
  if (depth > MAX_DEPTH) {
    throw new SegmentRulesException(path, `groups nest at most ${MAX_DEPTH} deep`)
  }
  const rules = eachRule(group.rules, problems, (rule, index) => {
    const rulePath = `${path}.${index}`
    return rule && typeof rule === 'object' && 'match' in rule
      ? parseGroup(rule, `${rulePath}.rules`, depth + 1, problems)
      : parseRule(rule, rulePath)
  })
  // A group with a bad rule is never returned: `parseSegmentGroup` raises first.
  return { match: group.match as SegmentGroup['match'], rules: rules as SegmentGroup['rules'] }
}

function parseRule(input: any, path: string): SegmentRule {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '')
  const fail = (reason: string): never => {
    throw new SegmentRulesException(path, reason)
  }
  const missing = (reason: string): never => {
    throw new SegmentRulesException(path, reason, {
      type: input.type,
      op: input.op,
      value: '',
      problem: 'value_missing',
    })
  }
  switch (input?.type) {
    case 'tag':
      if (!['has', 'has_not'].includes(input.op)) fail('a tag rule needs has or has_not')
      if (!text(input.value)) missing('a tag rule needs a tag')
      return { type: 'tag', op: input.op, value: text(input.value) }
    case 'field':
      if (!FIELD_OPERATORS.includes(input.op)) fail('unknown field operator')
      if (!text(input.key)) {
        throw new SegmentRulesException(path, 'a field rule needs a field', {
          type: 'field',
          op: input.op,
          value: '',
          problem: 'field_missing',
        })
      }
      if (!['empty', 'not_empty'].includes(input.op) && !text(input.value))
        missing('a value is missing')
      return { type: 'field', key: text(input.key), op: input.op, value: text(input.value) }
    case 'city':
      if (!['is', 'is_not', 'contains'].includes(input.op)) fail('unknown city operator')
      if (!text(input.value)) missing('a city is missing')
      return { type: 'city', op: input.op, value: text(input.value) }
    case 'consent':
      if (!['is', 'is_not'].includes(input.op) || !CONSENT_STATES.includes(input.value))
        fail('unknown consent')
      return { type: 'consent', op: input.op, value: input.value }
    case 'created':
    case 'last_contacted':
      return parseDateRule(input, text(input.value), path)
    case 'replied':
      if (!['yes', 'no'].includes(input.op)) fail('replied needs yes or no')
      if (input.value === undefined || input.value === null || input.value === '') {
        return { type: 'replied', op: input.op }
      }
      if (!Number.isInteger(Number(input.value)) || Number(input.value) < 1)
        fail('a replied rule names a campaign by its id')
      return { type: 'replied', op: input.op, value: Number(input.value) }
    case 'list':
      if (!['in', 'not_in'].includes(input.op)) fail('a list rule needs in or not_in')
      if (!text(String(input.value ?? '')) || !Number.isInteger(Number(input.value)))
        missing('a list is missing')
      return { type: 'list', op: input.op, value: Number(input.value) }
    default:
      return fail(`unknown rule type "${String(input?.type)}"`)
  }
}

/**
 * Checks a rule on a day, which must be written YYYY-MM-DD and exist in the
 * calendar, so `2025-02-30` and `2025-13-01` are rejected with the value
 * named instead of matching nothing.
 */
function parseDateRule(input: any, value: string, path: string): SegmentRule {
  if (!['before', 'after'].includes(input.op)) {
    throw new SegmentRulesException(path, 'a date rule needs before or after')
  }
  if (value === '') {
    throw new SegmentRulesException(path, 'a date is missing', {
      type: input.type,
      op: input.op,
      value,
      problem: 'value_missing',
    })
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new SegmentRulesException(path, 'a date in the form YYYY-MM-DD is missing')
  }
  if (!DateTime.fromISO(value, { zone: 'utc' }).isValid) {
    throw new SegmentRulesException(
      path,
      `"${value}" is not a day of the calendar; use an existing date in the form YYYY-MM-DD`,
      { type: input.type, op: input.op, value, problem: 'date_invalid' }
    )
  }
  return { type: input.type, op: input.op, value }
}

/** A number as the editor sends it: digits with an optional `.` decimal part, as in `-1000.5`. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/

/**
 * Checks the values of rules on number and date custom fields, which the
 * query compares as numbers and days, and returns the rules with numbers
 * in plain form. A decimal comma (`1000,5`) is read as a point. Thousands
 * separators are rejected, because `1.000` is a thousand in pt-BR and one in
 * English, so the editor sends plain numbers.
 */
export function checkFieldRuleValues(
  group: SegmentGroup,
  fieldTypes: Map<string, string>
): SegmentGroup {
  const problems: SegmentRulesException[] = []
  const checked = checkGroupValues(group, fieldTypes, 'rules', problems)
  raiseProblems(problems)
  return checked
}

function checkGroupValues(
  group: SegmentGroup,
  fieldTypes: Map<string, string>,
  path: string,
  problems: SegmentRulesException[]
): SegmentGroup {
  return {
    match: group.match,
    rules: eachRule(group.rules, problems, (rule, index) => {
      const rulePath = `${path}.${index}`
      if (isGroup(rule)) {
        return checkGroupValues(rule, fieldTypes, `${rulePath}.rules`, problems)
      }
      if (rule.type !== 'field' || ['empty', 'not_empty', 'contains'].includes(rule.op)) {
        return rule
      }
      const fieldType = fieldTypes.get(rule.key)
      const value = rule.value ?? ''
      if (fieldType === 'number') {
        const plain = value.replace(/^(-?\d+),(\d+)$/, '$1.$2')
        if (!PLAIN_NUMBER.test(plain)) {
          throw new SegmentRulesException(rulePath, `"${value}" is not a number`, {
            type: 'field',
            op: rule.op,
            value,
            problem: 'number_invalid',
          })
        }
        return { ...rule, value: plain }
      }
      const isDay = /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid
      if (fieldType === 'date' && !isDay) {
        throw new SegmentRulesException(rulePath, `"${value}" is not a date`, {
          type: 'field',
          op: rule.op,
          value,
          problem: 'date_invalid',
        })
      }
      return rule
    }) as SegmentGroup['rules'],
  }
}

/**
 * Checks rules from a request against the tenant's custom fields, and
 * returns them with the values of number fields in plain form. Run inside
 * the tenant scope.
 */
export async function parseSegmentRules(input: unknown) {
  const fields = await CustomField.all()
  const fieldTypes = new Map(fields.map((field) => [field.key, field.type as string]))
  return checkFieldRuleValues(parseSegmentGroup(input), fieldTypes)
}

import {
  defineNodeType,
  goTo,
  vine,
  type ContactFieldType,
  type NodeIssue,
  type NodeValidationContext,
} from '#sdk'
import {
  OPERATORS,
  OPERATORS_BY_TYPE,
  VALUELESS_OPERATORS,
  matchesRule,
  parseBoolean,
  parseDate,
  parseNumber,
  type Operator,
} from '../rule_matching.js'

const MAX_RULES = 20

const FIELD_TYPES: ContactFieldType[] = ['text', 'number', 'date', 'boolean', 'choice', 'tags']

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Version 1 stored a custom field as `field: 'custom'` with its key in
 * `customField`. Version 2 stores every field's key in `field`, and still
 * accepts `customField` so version 1 drafts validate.
 */
const LEGACY_CUSTOM = 'custom'

const ruleSchema = vine.object({
  field: vine.string().trim().maxLength(60).nullable(),
  customField: vine.string().trim().maxLength(60).nullable().optional(),
  operator: vine.enum(OPERATORS),
  value: vine.string().trim().maxLength(200).nullable().optional(),
})

interface Rule {
  field: string | null
  customField?: string | null
  operator: Operator
  value?: string | null
}

/** Returns the key of `contact.fields` that a rule of either version reads. */
export function fieldKey(rule: Rule) {
  const legacyKey = rule.customField?.trim()
  if (rule.field === LEGACY_CUSTOM && legacyKey) {
    return legacyKey
  }
  return (rule.field ?? '').trim()
}

/** Rewrites a version 1 rule (`field: 'custom'` and `customField`) as a version 2 rule. */
export function upgradeRule(rule: Record<string, unknown>) {
  if (!('customField' in rule)) {
    return rule
  }
  const legacyKey = typeof rule.customField === 'string' ? rule.customField.trim() : ''
  const upgraded: Record<string, unknown> = {
    ...rule,
    field: rule.field === LEGACY_CUSTOM ? legacyKey || null : rule.field,
  }
  delete upgraded.customField
  return upgraded
}

/** The operators of the picker, each offered only for the field types that accept it. */
const operatorOptions = OPERATORS.map((operator) => ({
  value: operator,
  label: `logic.operators.${operator}`,
  fieldTypes: FIELD_TYPES.filter((type) => OPERATORS_BY_TYPE[type].includes(operator)),
}))

const T = 'logic.nodes.condition'

function issue(field: string, key: string, text: string, values: Record<string, string>) {
  return { field, message: `logic.issues.${key}`, text, values } satisfies NodeIssue
}

/** Tells whether the rule's value can be read as the field's type. */
function valueFits(type: ContactFieldType, value: string) {
  switch (type) {
    case 'number':
      return parseNumber(value) !== undefined
    case 'date':
      return parseDate(value) !== undefined
    case 'boolean':
      return parseBoolean(value) !== undefined
    default:
      return true
  }
}

/**
 * Names a rule's field in a problem: its key, and as `fieldKey` the core's
 * translation key of a standard field's label, such as "Cidade" for `city`
 * in Portuguese. The editor shows that label in place of the key, and keeps
 * the key of a custom field, which has no such translation.
 */
function fieldValues(key: string) {
  return { field: key, fieldKey: `flow.contact_fields.${key}` }
}

/** Problems of one rule: an unknown field, an operator its type lacks, a missing or unreadable value. */
function ruleIssues(rule: Rule, index: number, fields: NodeValidationContext['contactFields']) {
  const at = (name: string) => `rules.${index}.${name}`
  const key = fieldKey(rule)
  if (key === '') {
    return [issue(at('field'), 'missing_field', 'Choose the field this rule checks', {})]
  }
  const type = fields.get(key)
  if (type === undefined) {
    return [
      issue(at('field'), 'unknown_field', 'No contact field has the key “{field}”', {
        field: key,
      }),
    ]
  }
  if (!OPERATORS_BY_TYPE[type].includes(rule.operator)) {
    return [
      issue(
        at('operator'),
        `operator_${type}`,
        `“{field}” cannot be compared that way`,
        fieldValues(key)
      ),
    ]
  }
  if (VALUELESS_OPERATORS.includes(rule.operator)) {
    return []
  }
  const value = rule.value?.trim() ?? ''
  if (value === '') {
    return [
      issue(
        at('value'),
        'missing_value',
        'Type the value to compare “{field}” with',
        fieldValues(key)
      ),
    ]
  }
  if (!valueFits(type, value)) {
    return [
      issue(at('value'), `invalid_${type}`, '“{value}” is not a valid value for “{field}”', {
        ...fieldValues(key),
        value,
      }),
    ]
  }
  return []
}

/**
 * Condition: continues at `yes` when the contact's fields match all (or
 * any) of the rules, and at `no` otherwise.
 */
export const conditionNode = defineNodeType({
  type: 'logic.condition',
  version: 2,
  label: `${T}.label`,
  description: `${T}.description`,
  icon: 'condition',
  category: 'logic',
  configSchema: vine.object({
    match: vine.enum(['all', 'any'] as const),
    rules: vine.array(ruleSchema).minLength(1).maxLength(MAX_RULES),
  }),
  defaults: {
    match: 'all' as const,
    rules: [{ field: 'city', operator: 'is' as const, value: '' }],
  },
  upgradeConfig(config) {
    const rules = Array.isArray(config.rules) ? config.rules : []
    return { ...config, rules: rules.map((rule) => (isObject(rule) ? upgradeRule(rule) : rule)) }
  },
  fields: [
    {
      kind: 'select',
      name: 'match',
      label: `${T}.fields.match`,
      options: [
        { value: 'all', label: `${T}.fields.match_all` },
        { value: 'any', label: `${T}.fields.match_any` },
      ],
    },
    {
      kind: 'list',
      name: 'rules',
      label: `${T}.fields.rules`,
      addLabel: `${T}.fields.add_rule`,
      itemLabel: `${T}.fields.rule_item`,
      minItems: 1,
      maxItems: MAX_RULES,
      summary: { items: 'first', more: `${T}.summary_more` },
      itemFields: [
        { kind: 'contact-field', name: 'field', label: `${T}.fields.field`, summary: true },
        {
          kind: 'select',
          name: 'operator',
          label: `${T}.fields.operator`,
          options: operatorOptions,
          fieldTypeFrom: 'field',
          summary: true,
        },
        {
          kind: 'text',
          name: 'value',
          label: `${T}.fields.value`,
          help: `${T}.fields.value_help`,
          maxLength: 200,
          summary: true,
          visibleWhen: {
            field: 'operator',
            in: OPERATORS.filter((operator) => !VALUELESS_OPERATORS.includes(operator)),
          },
        },
      ],
    },
  ],
  ports: [
    { id: 'yes', label: `${T}.ports.yes`, required: true },
    // A contact who does not match may simply leave the campaign.
    { id: 'no', label: `${T}.ports.no` },
  ],
  validate(config, { contactFields }) {
    return (config.rules as Rule[]).flatMap((rule, index) => ruleIssues(rule, index, contactFields))
  },
  execute({ config, contact }) {
    const results = (config.rules as Rule[]).map((rule) =>
      matchesRule(contact.fields[fieldKey(rule)], {
        operator: rule.operator,
        value: rule.value ?? null,
      })
    )
    const matched = config.match === 'all' ? results.every(Boolean) : results.some(Boolean)
    return goTo(matched ? 'yes' : 'no')
  },
})

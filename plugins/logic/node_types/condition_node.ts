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

/** Standard contact attributes offered in the field picker; `custom` names a custom field. */
export const STANDARD_FIELDS = [
  'name',
  'first_name',
  'phone',
  'email',
  'city',
  'language',
  'tags',
] as const
const FIELD_CHOICES = [...STANDARD_FIELDS, 'custom'] as const

const MAX_RULES = 20

const ruleSchema = vine.object({
  field: vine.enum(FIELD_CHOICES),
  customField: vine.string().trim().maxLength(60).nullable().optional(),
  operator: vine.enum(OPERATORS),
  value: vine.string().trim().maxLength(200).nullable().optional(),
})

interface Rule {
  field: (typeof FIELD_CHOICES)[number]
  customField?: string | null
  operator: Operator
  value?: string | null
}

/** Returns the key of `contact.fields` that a rule reads. */
function fieldKey(rule: Rule) {
  return rule.field === 'custom' ? (rule.customField ?? '').trim() : rule.field
}

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

/** Problems of one rule: an unknown field, an operator its type lacks, a missing or unreadable value. */
function ruleIssues(rule: Rule, index: number, fields: NodeValidationContext['contactFields']) {
  const at = (name: string) => `rules.${index}.${name}`
  const key = fieldKey(rule)
  if (key === '') {
    return [issue(at('customField'), 'missing_field', 'Choose the custom field to check', {})]
  }
  const type = fields.get(key)
  if (type === undefined) {
    return [
      issue(at('customField'), 'unknown_field', 'No custom field is called “{field}”', {
        field: key,
      }),
    ]
  }
  if (!OPERATORS_BY_TYPE[type].includes(rule.operator)) {
    return [
      issue(at('operator'), `operator_${type}`, `“{field}” cannot be compared that way`, {
        field: key,
      }),
    ]
  }
  if (VALUELESS_OPERATORS.includes(rule.operator)) {
    return []
  }
  const value = rule.value?.trim() ?? ''
  if (value === '') {
    return [
      issue(at('value'), 'missing_value', 'Type the value to compare “{field}” with', {
        field: key,
      }),
    ]
  }
  if (!valueFits(type, value)) {
    return [
      issue(at('value'), `invalid_${type}`, '“{value}” is not a valid value for “{field}”', {
        field: key,
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
  version: 1,
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
    rules: [{ field: 'city' as const, customField: null, operator: 'is' as const, value: '' }],
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
      itemFields: [
        {
          kind: 'select',
          name: 'field',
          label: `${T}.fields.field`,
          options: FIELD_CHOICES.map((field) => ({
            value: field,
            label: `logic.contact_fields.${field}`,
          })),
        },
        {
          kind: 'text',
          name: 'customField',
          label: `${T}.fields.custom_field`,
          help: `${T}.fields.custom_field_help`,
          maxLength: 60,
          visibleWhen: { field: 'field', in: ['custom'] },
        },
        {
          kind: 'select',
          name: 'operator',
          label: `${T}.fields.operator`,
          options: OPERATORS.map((operator) => ({
            value: operator,
            label: `logic.operators.${operator}`,
          })),
        },
        {
          kind: 'text',
          name: 'value',
          label: `${T}.fields.value`,
          help: `${T}.fields.value_help`,
          maxLength: 200,
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

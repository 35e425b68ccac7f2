import type { FormField } from '#sdk'
import type { RegisteredNodeType } from '#flow/node_type_registry'
import type { FlowNode } from '#flow/flow_graph'
import { problem, type FlowProblem } from '#flow/flow_problems'

/** One VineJS error of a node's configuration, as its error reporter records it. */
export interface ConfigError {
  /** Path of the field at fault, such as `rules.0.keywords`. */
  field: string
  /** The message the rule reported, in English. */
  message: string
  rule: string
  /** Values the rule reported with the message, such as `{ min: 1 }` of `minLength`. */
  meta?: Record<string, unknown>
}

/**
 * Maximum length, in characters, of the value a problem shows. A longer
 * value is cut with an ellipsis.
 */
const MAX_VALUE_LENGTH = 60

/**
 * Turns the schema errors of a node's configuration into problems the
 * editor words in the member's language. Each problem carries the label key
 * of the field, the translation keys of its rule (the plugin's own first),
 * the rule's meta values, the value at fault, and the rule's English
 * message for a rule no language translates.
 */
export function configProblems(
  node: FlowNode,
  entry: RegisteredNodeType,
  errors: ConfigError[]
): FlowProblem[] {
  return errors.map((error) => {
    const code = error.rule === 'required' ? 'config_missing' : 'config_invalid'
    const rule = error.rule.replaceAll('.', '_')
    const value = shownValue(error.meta?.value ?? valueAt(node.config, error.field))
    const values: Record<string, string | number> = {
      ...metaValues(error.meta),
      field: error.field,
      fieldKey: labelOf(entry.definition.fields, error.field),
      ruleKey: `flow.rules.${rule}`,
      pluginRuleKey: entry.plugin ? `${entry.plugin}.rules.${rule}` : '',
      ruleText: error.message,
      value: value ?? '',
      hasValue: value === null ? 'no' : 'yes',
    }
    return problem(code, node.id, { field: error.field, values })
  })
}

/** Finds the label key of the form field that edits `path`, such as `rules.0.name`. */
export function labelOf(fields: FormField[], path: string): string {
  const [name, ...rest] = path.split('.')
  const field = fields.find((candidate) => candidate.name === name)
  if (!field) {
    return ''
  }
  if (field.kind === 'list' && rest.length >= 2) {
    return labelOf(field.itemFields, rest.slice(1).join('.')) || field.label
  }
  return field.label
}

/** Reads the raw value at a dotted path, such as `duration.amount`. */
function valueAt(config: unknown, path: string): unknown {
  let current = config
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return undefined
    }
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

/**
 * Returns a value as the member typed it, cut to `MAX_VALUE_LENGTH`, or
 * `null` for a value a sentence cannot show: missing, blank, a list or an
 * object.
 */
function shownValue(value: unknown) {
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value)
  }
  if (typeof value !== 'string' || value.trim() === '') {
    return null
  }
  return value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH - 1)}…` : value
}

/** Keeps the meta values a message can show: numbers, strings, and lists of them joined. */
function metaValues(meta: Record<string, unknown> | undefined) {
  const values: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(meta ?? {})) {
    if (typeof value === 'number' || typeof value === 'string') {
      values[name] = value
    } else if (Array.isArray(value)) {
      values[name] = value.map(String).join(', ')
    }
  }
  return values
}

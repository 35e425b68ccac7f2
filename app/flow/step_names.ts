import type { FormField } from '#sdk'
import type { NodeTypeRegistry } from '#flow/node_type_registry'
import { ENTRY_NODE_TYPE, type FlowNode } from '#flow/flow_graph'

/** Returns the message of a translation key in the reader's language, filled with `values`. */
export type Translate = (key: string, values?: Record<string, string | number>) => string

/** Data a step's name is read from besides the node. */
export interface StepNameSources {
  registry: NodeTypeRegistry
  /** Names of the tenant's saved templates, by id. */
  templateNames: Map<number, string>
}

/**
 * Maximum summary length, in characters, as on the editor's cards. A
 * longer summary is cut with an ellipsis.
 */
const MAX_SUMMARY_LENGTH = 60

const DURATION_UNITS = ['seconds', 'minutes', 'hours', 'days']

function clip(text: string) {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > MAX_SUMMARY_LENGTH ? `${line.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : line
}

/**
 * Summarises the value of a node's first form field, as the editor's card
 * does under the type's name: a template's name or the start of the text,
 * a duration, a time window. Returns `''` for a kind it cannot summarise.
 */
function summarize(
  field: FormField | undefined,
  value: any,
  sources: StepNameSources,
  t: Translate
) {
  if (!field || value === null || value === undefined) {
    return ''
  }
  switch (field.kind) {
    case 'template':
      if (typeof value.templateId === 'number') {
        return sources.templateNames.get(value.templateId) ?? ''
      }
      return clip(String(value.text ?? ''))
    case 'duration':
      if (!DURATION_UNITS.includes(value.unit)) {
        return ''
      }
      return t(`flow.fields.duration_value.${value.unit}`, { amount: Number(value.amount) || 0 })
    case 'time-window':
      return `${value.start ?? '?'}–${value.end ?? '?'}`
    case 'text':
    case 'textarea':
    case 'number':
      return clip(String(value))
    default:
      return ''
  }
}

/**
 * Names a step as the flow editor shows it: the node type's name and a
 * short summary of its configuration, such as "Send message · Welcome". A
 * type no longer registered is named by its id.
 */
export function stepName(node: FlowNode, sources: StepNameSources, t: Translate) {
  if (node.type === ENTRY_NODE_TYPE) {
    return t('flow.entry.label')
  }
  const definition = sources.registry.get(node.type)?.definition
  if (!definition) {
    return node.type
  }
  const type = t(definition.label)
  const firstField = definition.fields[0]
  const summary = summarize(firstField, node.config?.[firstField?.name ?? ''], sources, t)
  return summary ? t('flow.step_name', { type, summary }) : type
}

import type { NodeTypeRegistry } from '#flow/node_type_registry'
import { ENTRY_NODE_TYPE, type FlowNode } from '#flow/flow_graph'
import { summarizeFieldValue } from '#flow/config_summary'

/** Returns the message of a translation key in the reader's language, filled with `values`. */
export type Translate = (key: string, values?: Record<string, string | number>) => string

/** Data a step's name is read from besides the node. */
export interface StepNameSources {
  registry: NodeTypeRegistry
  /** Names of the tenant's saved templates, by id. */
  templateNames: Map<number, string>
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
  const summary = summarizeFieldValue(
    firstField,
    node.config?.[firstField?.name ?? ''],
    (templateId) => sources.templateNames.get(templateId),
    t
  )
  return summary ? t('flow.step_name', { type, summary }) : type
}

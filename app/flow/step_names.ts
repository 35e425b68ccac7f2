import type { NodeTypeRegistry } from '#flow/node_type_registry'
import { ENTRY_NODE_TYPE, type FlowNode } from '#flow/flow_graph'
import { summarizeConfig, type SummarizedField } from '#flow/config_summary'
import { STANDARD_CONTACT_FIELDS } from '#flow/contact_fields'
import { translateFields } from '#flow/palette'

/** Returns the message of a translation key in the reader's language, filled with `values`. */
export type Translate = (key: string, values?: Record<string, string | number>) => string

/** Data a step's name is read from besides the node. */
export interface StepNameSources {
  registry: NodeTypeRegistry
  /** Names of the tenant's saved templates, by id. */
  templateNames: Map<number, string>
  /** Labels of the tenant's custom fields, by key. @default none */
  customFieldLabels?: Map<string, string>
  /** Names of the tenant's contact lists, by id. @default none */
  contactListNames?: Map<number, string>
}

/** Returns the label of a standard attribute or custom field in the reader's language. */
export function contactFieldLabel(
  key: string,
  customFieldLabels: Map<string, string> | undefined,
  t: Translate
) {
  if (Object.hasOwn(STANDARD_CONTACT_FIELDS, key)) {
    return t(`flow.contact_fields.${key}`)
  }
  return customFieldLabels?.get(key)
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
  const fields = translateFields(definition.fields, t) as unknown as SummarizedField[]
  const summary = summarizeConfig(
    fields,
    node.config,
    {
      templateName: (templateId) => sources.templateNames.get(templateId),
      contactFieldLabel: (key) => contactFieldLabel(key, sources.customFieldLabels, t),
      contactListName: (listId) => sources.contactListNames?.get(listId),
    },
    t
  )
  return summary ? t('flow.step_name', { type, summary }) : type
}

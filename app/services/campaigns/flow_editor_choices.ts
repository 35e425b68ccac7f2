import CustomField from '#models/custom_field'
import ContactList from '#models/contact_list'
import type { ContactFieldType } from '#sdk'
import type { FlowGraph } from '#flow/flow_graph'
import { nodeTypes } from '#flow/node_type_registry'
import { STANDARD_CONTACT_FIELDS } from '#flow/contact_fields'

/** A field the editor's `contact-field` pickers offer. */
export interface ContactFieldChoice {
  key: string
  label: string
  type: ContactFieldType
  /** Whether it is one of the tenant's custom fields, not a standard attribute. */
  custom: boolean
}

/**
 * Reads what the editor's contact pickers offer in the current tenant: the
 * standard attributes with labels in the page's language, then the custom
 * fields, and the contact lists, each sorted by label or name.
 */
export async function contactChoices(t: (key: string) => string) {
  const customFields = await CustomField.query().orderBy('label').select('key', 'label', 'type')
  const lists = await ContactList.query().orderBy('name').select('id', 'name')
  const standard: ContactFieldChoice[] = Object.entries(STANDARD_CONTACT_FIELDS).map(
    ([key, type]) => ({ key, label: t(`flow.contact_fields.${key}`), type, custom: false })
  )
  const custom: ContactFieldChoice[] = customFields
    .filter((field) => !Object.hasOwn(STANDARD_CONTACT_FIELDS, field.key))
    .map((field) => ({ key: field.key, label: field.label, type: field.type, custom: true }))
  return {
    contactFields: [...standard, ...custom],
    contactLists: lists.map((list) => ({ id: list.id, name: list.name })),
  }
}

/**
 * Returns the graph with each node's configuration in its type's current
 * shape, so the editor's forms never see a shape older than their fields.
 */
export function upgradeGraph(graph: FlowGraph, contactLists: { id: number; name: string }[]) {
  const context = { contactLists: new Map(contactLists.map((list) => [list.name, list.id])) }
  return {
    ...graph,
    nodes: graph.nodes.map((node) => ({
      ...node,
      config: nodeTypes.upgradeConfig(node.type, node.config, context) as Record<string, unknown>,
    })),
  }
}

import logger from '@adonisjs/core/services/logger'
import type { FormField, PortDefinition } from '#sdk'
import type { RegisteredNodeType } from '#flow/node_type_registry'

export type Translate = (key: string) => string

/** Translates the keys of form fields, recursively for list items. */
export function translateFields(fields: FormField[], t: Translate): Record<string, unknown>[] {
  return fields.map((field) => {
    const translated: Record<string, unknown> = { ...field, label: t(field.label) }
    for (const key of ['help', 'placeholder', 'unit', 'addLabel', 'itemLabel'] as const) {
      const value = (field as unknown as Record<string, unknown>)[key]
      if (typeof value === 'string') {
        translated[key] = t(value)
      }
    }
    if (field.kind === 'select') {
      translated.options = field.options.map((option) => ({ ...option, label: t(option.label) }))
    }
    if (field.kind === 'list') {
      translated.itemFields = translateFields(field.itemFields, t)
    }
    return translated
  })
}

/** Ports with their label translated, or the designer's own text. */
export function translatePorts(ports: PortDefinition[], t: Translate) {
  return ports.map((port) => ({
    id: port.id,
    label: port.text ?? (port.label ? t(port.label) : port.id),
    required: port.required ?? false,
  }))
}

function categoryKey(entry: RegisteredNodeType, has: (key: string) => boolean) {
  const category = entry.definition.category
  const own = entry.plugin ? `${entry.plugin}.categories.${category}` : null
  return own && has(own) ? own : `flow_nodes.categories.${category}`
}

/**
 * Returns the configuration of a new node in the page's language: the
 * type's `localizedDefaults`, or its `defaults` when it has none or when
 * they throw, so one broken plugin does not break the editor.
 */
export function newNodeConfig(entry: RegisteredNodeType, t: Translate) {
  const { definition } = entry
  if (!definition.localizedDefaults) {
    return definition.defaults
  }
  try {
    return definition.localizedDefaults(t)
  } catch (error) {
    logger.warn(
      { err: error, nodeType: definition.type, pluginName: entry.plugin },
      'localizedDefaults failed, offering the defaults'
    )
    return definition.defaults
  }
}

/**
 * One palette entry: what the editor needs to show, configure and connect
 * a node of this type without code of its own. `defaults` and `ports` are
 * those of a new node in the page's language. `dynamicPorts` is whether
 * the ports change with the configuration (ask
 * `POST /flow/node-types/:type/resolve` then).
 */
export function paletteEntry(
  entry: RegisteredNodeType,
  t: Translate,
  has: (key: string) => boolean
) {
  const { definition } = entry
  const defaults = newNodeConfig(entry, t)
  const ports =
    typeof definition.ports === 'function' ? definition.ports(defaults) : definition.ports
  const key = categoryKey(entry, has)
  return {
    type: definition.type,
    version: definition.version,
    plugin: entry.plugin,
    label: t(definition.label),
    description: t(definition.description),
    icon: definition.icon,
    category: { id: definition.category, label: t(key) },
    fields: translateFields(definition.fields, t),
    defaults,
    ports: translatePorts(ports, t),
    dynamicPorts: typeof definition.ports === 'function',
    alwaysPauses:
      typeof definition.alwaysPauses === 'function'
        ? 'depends'
        : (definition.alwaysPauses ?? false),
  }
}

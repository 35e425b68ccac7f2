import { summarizeConfig } from '../../../../app/flow/config_summary'
import type { FlowEditorContext } from './flow_editor_context'
import type { PaletteEntry } from './flow_types'

type Translate = (key: string, values?: Record<string, unknown>) => string

/**
 * A one-line summary of a node's configuration for its card, from the
 * fields its type marks with `summary` (or its first field), so no node
 * type needs code of its own here. Step names on other pages use the same
 * summary.
 */
export function summarizeNode(
  entry: PaletteEntry | undefined,
  config: Record<string, unknown>,
  context: FlowEditorContext,
  t: Translate
) {
  return summarizeConfig(
    entry?.fields ?? [],
    config,
    {
      templateName: (templateId) =>
        context.templates.find((template) => template.id === templateId)?.name,
      contactFieldLabel: (key) => context.contactFields.find((field) => field.key === key)?.label,
      contactListName: (listId) => context.contactLists.find((list) => list.id === listId)?.name,
    },
    t
  )
}

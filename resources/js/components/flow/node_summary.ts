import { summarizeFieldValue } from '../../../../app/flow/config_summary'
import type { FlowEditorContext } from './flow_editor_context'
import type { PaletteEntry } from './flow_types'

type Translate = (key: string, values?: Record<string, unknown>) => string

/**
 * A one-line summary of a node's configuration for its card, from the
 * kind of its first field, so no node type needs code of its own here.
 * Step names on other pages use the same summary.
 */
export function summarizeNode(
  entry: PaletteEntry | undefined,
  config: Record<string, unknown>,
  context: FlowEditorContext,
  t: Translate
) {
  const field = entry?.fields[0]
  return summarizeFieldValue(
    field,
    field ? config[field.name] : undefined,
    (templateId) => context.templates.find((template) => template.id === templateId)?.name,
    t
  )
}

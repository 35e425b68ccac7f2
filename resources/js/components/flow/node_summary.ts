import type { FlowEditorContext } from './flow_editor_context'
import type { PaletteEntry } from './flow_types'

type Translate = (key: string, values?: Record<string, unknown>) => string

const MAX_LENGTH = 60

function clip(text: string) {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text
}

/**
 * A one-line summary of a node's configuration for its card, from the
 * kind of its first field, so no node type needs code of its own here.
 */
export function summarizeNode(
  entry: PaletteEntry | undefined,
  config: Record<string, unknown>,
  context: FlowEditorContext,
  t: Translate
) {
  const field = entry?.fields[0]
  if (!field) return ''
  const value = config[field.name] as any
  if (value === null || value === undefined) return ''
  switch (field.kind) {
    case 'template': {
      if (typeof value.templateId === 'number') {
        return context.templates.find((template) => template.id === value.templateId)?.name ?? ''
      }
      return clip(String(value.text ?? ''))
    }
    case 'duration':
      return t(`flow.fields.duration_value.${value.unit}`, { amount: value.amount ?? 0 })
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

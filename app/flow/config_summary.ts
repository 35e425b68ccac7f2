/**
 * The one-line summary of a node's configuration, shown under the type's
 * name on the flow editor's cards and in step names ("Send message ·
 * Welcome") on pages, exports and the audit log. The server and the
 * browser bundle both import this file, so it imports nothing.
 */

/** Maximum summary length, in characters. A longer summary is cut with an ellipsis. */
export const MAX_SUMMARY_LENGTH = 60

const DURATION_UNITS = new Set(['seconds', 'minutes', 'hours', 'days'])

/** Returns the message of a translation key in the reader's language, filled with `values`. */
export type SummaryTranslate = (key: string, values?: Record<string, string | number>) => string

/** The part of a node type's form field that its summary depends on. */
export interface SummarizedField {
  name: string
  kind: string
}

/** Collapses whitespace to single spaces and cuts text longer than MAX_SUMMARY_LENGTH. */
export function clipSummary(text: string) {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > MAX_SUMMARY_LENGTH ? `${line.slice(0, MAX_SUMMARY_LENGTH - 1)}…` : line
}

/**
 * Summarises the value of a node's first form field: a saved template's
 * name (`templateName` reads it by id) or the start of the text, a
 * duration, a time window. Returns `''` for a kind it cannot summarise.
 */
export function summarizeFieldValue(
  field: SummarizedField | undefined,
  value: any,
  templateName: (templateId: number) => string | undefined,
  t: SummaryTranslate
) {
  if (!field || value === null || value === undefined) {
    return ''
  }
  switch (field.kind) {
    case 'template':
      if (typeof value.templateId === 'number') {
        return templateName(value.templateId) ?? ''
      }
      return clipSummary(String(value.text ?? ''))
    case 'duration':
      if (!DURATION_UNITS.has(value.unit)) {
        return ''
      }
      return t(`flow.fields.duration_value.${value.unit}`, { amount: Number(value.amount) || 0 })
    case 'time-window':
      return `${value.start ?? '?'}–${value.end ?? '?'}`
    case 'text':
    case 'textarea':
    case 'number':
      return clipSummary(String(value))
    default:
      return ''
  }
}

import { vine } from '#sdk'

/**
 * VineJS schemas of the value types that the form field kinds edit, shared
 * by the core node types and available to plugins through the same shapes.
 */

export const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/

/** `{ days, start, end }` of a `time-window` field. */
export function timeWindowSchema() {
  return vine.object({
    days: vine
      .array(vine.number().in([1, 2, 3, 4, 5, 6, 7]))
      .minLength(1)
      .distinct(),
    start: vine.string().regex(CLOCK),
    end: vine.string().regex(CLOCK),
  })
}

const UNIT_SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 }

/** Writes a number of seconds in the largest unit that divides it, such as `{ 30, 'days' }`. */
function inLargestUnit(totalSeconds: number) {
  const units = Object.entries(UNIT_SECONDS).reverse()
  const [unit, factor] = units.find(([, size]) => totalSeconds % size === 0) ?? ['seconds', 1]
  return { amount: totalSeconds / factor, unit }
}

/**
 * `{ amount, unit }` of a `duration` field, limited to `maxSeconds`. A longer
 * duration fails rule `maxDuration` with meta `maxAmount` and `maxUnit`,
 * the limit in its largest whole unit.
 */
export function durationSchema(maxSeconds: number) {
  const maximum = inLargestUnit(maxSeconds)
  const withinMaximum = vine.createRule((value, _, field) => {
    const duration = value as { amount?: unknown; unit?: unknown }
    const factor = UNIT_SECONDS[duration.unit as keyof typeof UNIT_SECONDS]
    if (typeof duration.amount === 'number' && factor && duration.amount * factor > maxSeconds) {
      field.report(
        `The {{ field }} field must be at most ${maximum.amount} ${maximum.unit}`,
        'maxDuration',
        field,
        { maxAmount: maximum.amount, maxUnit: maximum.unit }
      )
    }
  })
  return vine
    .object({
      amount: vine.number().withoutDecimals().positive(),
      unit: vine.enum(['seconds', 'minutes', 'hours', 'days'] as const),
    })
    .use(withinMaximum())
}

/** `{ templateId, text }` of a `template` field, with exactly one of the two set. */
export function templateSchema() {
  const exactlyOne = vine.createRule((value, _, field) => {
    const message = value as { templateId?: unknown; text?: unknown }
    const hasTemplate = typeof message.templateId === 'number'
    const hasText = typeof message.text === 'string' && message.text.trim().length > 0
    if (hasTemplate === hasText) {
      field.report(
        'The {{ field }} field needs either a saved template or a text',
        'template',
        field
      )
    }
  })
  return vine
    .object({
      templateId: vine.number().withoutDecimals().positive().nullable(),
      text: vine.string().trim().maxLength(4096).nullable(),
    })
    .use(exactlyOne())
}

/** `{ source, mimeType, fileName }` of a `media` field, or `null`. */
export function mediaSchema() {
  return vine
    .object({
      source: vine.string().trim().minLength(1).maxLength(2048),
      mimeType: vine.string().regex(/^[\w.+-]+\/[\w.+-]+$/),
      fileName: vine.string().trim().maxLength(255).nullable(),
    })
    .nullable()
}

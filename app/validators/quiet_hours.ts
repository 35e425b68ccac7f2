import vine from '@vinejs/vine'
import { CLOCK } from '#flow/node_types/schema_parts'

/**
 * The tenant's quiet hours from the settings form. `enabled: false` clears
 * them, and the other fields may then be left out.
 */
export const quietHoursValidator = vine.compile(
  vine.object({
    enabled: vine.boolean(),
    days: vine
      .array(vine.number().in([1, 2, 3, 4, 5, 6, 7]))
      .minLength(1)
      .distinct()
      .optional()
      .requiredWhen('enabled', '=', true),
    start: vine.string().regex(CLOCK).optional().requiredWhen('enabled', '=', true),
    end: vine.string().regex(CLOCK).optional().requiredWhen('enabled', '=', true),
    basis: vine
      .enum(['contact', 'tenant'] as const)
      .optional()
      .requiredWhen('enabled', '=', true),
  })
)

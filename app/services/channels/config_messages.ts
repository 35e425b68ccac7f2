import type { I18n } from '@adonisjs/i18n'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'
import type { FormField } from '#sdk'

/** Rules of `vine.number()` whose failure means the value is not a number in the field's range. */
const NUMBER_RULES = new Set(['number', 'min', 'max', 'range', 'withoutDecimals', 'decimal'])

/**
 * Creates the messages of a channel configuration's validation errors,
 * which name each setting by its label in the settings form and state its
 * allowed range and default, in the request's language.
 */
export function channelConfigMessages(i18n: I18n, fields: FormField[]): MessagesProviderContact {
  return {
    getMessage(message: string, rule: string, field: FieldContext, meta?: Record<string, any>) {
      const formField = fields.find((candidate) => candidate.name === field.name)
      const label = formField ? i18n.t(formField.label) : String(field.name)
      if (formField?.kind === 'number' && NUMBER_RULES.has(rule)) {
        const min = formField.min ?? meta?.min
        const max = formField.max ?? meta?.max
        if (min !== undefined && max !== undefined) {
          const values = { field: label, value: String(field.value), min, max }
          const key = rule === 'number' ? 'not_a_number' : 'out_of_range'
          const hint =
            formField.default === undefined
              ? ''
              : ` ${i18n.t('connections.config_errors.default_hint', { default: formField.default })}`
          return i18n.t(`connections.config_errors.${key}`, values) + hint
        }
      }
      if (rule === 'boolean') {
        return i18n.t('connections.config_errors.boolean', { field: label })
      }
      return i18n.t(`validator.shared.messages.${rule}`, { ...meta, field: label }, message)
    },
  }
}

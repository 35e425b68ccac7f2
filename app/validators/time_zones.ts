import vine from '@vinejs/vine'
import { IANAZone } from 'luxon'

/**
 * Accepts only a time zone of the IANA database, such as
 * `America/Sao_Paulo`. A name that merely looks like one (`Mars/Olympus`)
 * would make every local-time rule of the engine fall back to UTC.
 */
const knownZone = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && !IANAZone.isValidZone(value)) {
    field.report('Type a time zone of the IANA list, such as America/Sao_Paulo', 'timeZone', field)
  }
})

/** The optional, nullable time zone of a contact. */
export function contactTimeZone() {
  return vine.string().trim().maxLength(64).use(knownZone()).nullable().optional()
}

import vine from '@vinejs/vine'
import { IANAZone } from 'luxon'

/**
 * Accepts only a time zone of the IANA database, such as
 * `America/Sao_Paulo`. With a name that merely looks like one
 * (`Mars/Olympus`), the engine could not tell the contact's local hour, and
 * wait windows and quiet hours would not hold the contact's messages.
 */
const knownZone = vine.createRule((value, _options, field) => {
  if (typeof value === 'string' && !IANAZone.isValidZone(value)) {
    field.report('Type a time zone of the IANA list, such as America/Sao_Paulo', 'timeZone', field)
  }
})

/** Returns the schema of a contact's time zone, which may be missing or null. */
export function contactTimeZone() {
  return vine.string().trim().maxLength(64).use(knownZone()).nullable().optional()
}

/** Returns the schema of a tenant's time zone, which is required. */
export function tenantTimeZone() {
  return vine.string().trim().maxLength(64).use(knownZone())
}

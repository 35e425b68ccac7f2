import vine from '@vinejs/vine'
import { IANAZone } from 'luxon'

/** A zone name as the IANA database spells them: `Area/Location`, or `UTC`. */
const ZONE_NAME = /^(?:UTC|[A-Z][A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/

/**
 * Returns the spelling that the runtime's time zone data gives `value`, or
 * `null` when `value` is not a time zone of the IANA database. `Intl`
 * accepts more than zone names: fixed offsets (`+05:00`), any letter case
 * (`america/sao_paulo`) and System V names (`SystemV/AST4`). Offsets and
 * System V names are rejected, and other names take their canonical spelling,
 * so one zone is stored one way.
 */
export function canonicalZone(value: string) {
  if (!IANAZone.isValidZone(value)) {
    return null
  }
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone
  return ZONE_NAME.test(resolved) && !resolved.startsWith('SystemV/') ? resolved : null
}

/**
 * Accepts only a time zone of the IANA database, such as
 * `America/Sao_Paulo`, and stores its canonical spelling. With a name that
 * merely looks like one (`Mars/Olympus`), the engine could not tell the
 * contact's local hour, and wait windows and quiet hours would not hold the
 * contact's messages.
 */
const knownZone = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string') {
    return
  }
  const zone = canonicalZone(value)
  if (zone === null) {
    field.report(
      '"{value}" is not a time zone of the IANA list. Type one such as America/Sao_Paulo',
      'timeZone',
      field,
      { value }
    )
    return
  }
  field.mutate(zone, field)
})

/** Returns the schema of a contact's time zone, which may be missing or null. */
export function contactTimeZone() {
  return vine.string().trim().maxLength(64).use(knownZone()).nullable().optional()
}

/** Returns the schema of a tenant's time zone, which is required. */
export function tenantTimeZone() {
  return vine.string().trim().maxLength(64).use(knownZone())
}

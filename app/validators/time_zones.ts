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

/** Returns the edit distance between two strings: insertions, deletions and substitutions. */
function editDistance(left: string, right: string) {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let row = 1; row <= left.length; row++) {
    const current = [row]
    for (let column = 1; column <= right.length; column++) {
      const substitution = previous[column - 1] + (left[row - 1] === right[column - 1] ? 0 : 1)
      current[column] = Math.min(previous[column] + 1, current[column - 1] + 1, substitution)
    }
    previous = current
  }
  return previous[right.length]
}

/**
 * Returns the IANA zone spelled closest to `value`, ignoring letter case,
 * when at most a fifth of its letters (and at least 2) differ, such as
 * `America/Sao_Paulo` for `America/Sao_Polo`. Returns null otherwise.
 */
export function closestZone(value: string) {
  const typed = value.trim().toLowerCase()
  const allowed = Math.max(2, Math.floor(typed.length / 5))
  let best: { zone: string; distance: number } | null = null
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    if (Math.abs(zone.length - typed.length) > allowed) {
      continue
    }
    const distance = editDistance(typed, zone.toLowerCase())
    if (distance <= allowed && (best === null || distance < best.distance)) {
      best = { zone, distance }
    }
  }
  return best?.zone ?? null
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
    const suggestion = closestZone(value)
    if (suggestion) {
      field.report(
        `"${value}" is not a time zone: did you mean ${suggestion}?`,
        'timeZoneSuggestion',
        field,
        { value, suggestion }
      )
      return
    }
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

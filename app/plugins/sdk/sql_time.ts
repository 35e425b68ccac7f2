import type { DateTime } from 'luxon'

/**
 * A time as query builders must write it to a timestamp column on both
 * MariaDB and SQLite: `yyyy-MM-dd HH:mm:ss` in UTC, the format Lucid's
 * datetime columns write and read. SQLite cannot bind a `Date`. Raises a
 * `RangeError` for an invalid time rather than writing a bad value.
 */
export function sqlTime(value: Date | DateTime = new Date()) {
  const epochMs = value instanceof Date ? value.getTime() : value.toMillis()
  const iso = new Date(epochMs).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

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

/**
 * Reads a time a query builder returned from a timestamp column: a `Date`
 * on MariaDB and MySQL, `yyyy-MM-dd HH:mm:ss` text in UTC on SQLite.
 * `null` stays `null`.
 */
export function fromSqlTime(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined || value instanceof Date) {
    return value ?? null
  }
  return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`)
}

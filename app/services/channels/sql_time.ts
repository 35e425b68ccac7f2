import { DateTime } from 'luxon'

/**
 * A time as query builders must write it to a timestamp column on both
 * MariaDB and SQLite: `yyyy-MM-dd HH:mm:ss` in UTC, the format Lucid's
 * datetime columns write and read. SQLite cannot bind a `Date`.
 */
export function sqlTime(value: Date | DateTime = new Date()) {
  const time = value instanceof Date ? DateTime.fromJSDate(value) : value
  return time.toUTC().toFormat('yyyy-LL-dd HH:mm:ss')
}

import { DateTime } from '#sdk'
import { hourBucket } from './bucket_keys.js'

/**
 * Maximum range, in days, a report reads. A year covers the usual
 * comparisons of campaign work, such as this quarter against the last, and
 * it keeps the day chart at one readable bar per day, the by-hour CSV under
 * 8,800 rows per scope, and a query at 366 day buckets per campaign,
 * instance and node at most.
 */
export const MAX_RANGE_DAYS = 366

/** Days `from` to `to` inclusive, in the tenant's time zone, with the instants and buckets they cover. */
export interface ReportRange {
  /** First day, `yyyy-MM-dd`. */
  from: string
  /** Last day, `yyyy-MM-dd`. */
  to: string
  /** Start of `from` in the tenant's time zone. */
  start: Date
  /** Start of the day after `to` in the tenant's time zone, excluded. */
  end: Date
  /**
   * First and last UTC hour buckets (`yyyy-MM-ddTHH`) the range covers. In a
   * zone whose offset is not a whole number of hours, such as Asia/Kolkata,
   * the first and last hours reach up to 59 minutes past the range's edges.
   */
  firstHour: string
  lastHour: string
  /** Last day and last hour bucket a chart draws: the range's end, or the current ones when sooner. */
  chartTo: string
  chartLastHour: string
}

/** Translation keys of the errors of a requested range, by field. */
export type RangeErrors = Partial<Record<'from' | 'to', string>>

export type ParsedRange =
  { range: ReportRange | null; errors: null } | { range: null; errors: RangeErrors }

const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/

function parseDay(value: string, timeZone: string) {
  if (!DAY_FORMAT.test(value)) {
    return null
  }
  const day = DateTime.fromISO(value, { zone: timeZone })
  return day.isValid ? day.startOf('day') : null
}

/** Builds the range of days `from` to `to`, both valid `yyyy-MM-dd` days with `from <= to`. */
export function rangeOf(from: string, to: string, timeZone: string, now = new Date()): ReportRange {
  const start = DateTime.fromISO(from, { zone: timeZone }).startOf('day')
  const end = DateTime.fromISO(to, { zone: timeZone }).startOf('day').plus({ days: 1 })
  const lastInstant = new Date(Math.min(end.toMillis() - 1, now.getTime()))
  return {
    from,
    to,
    start: start.toJSDate(),
    end: end.toJSDate(),
    firstHour: hourBucket(start.toJSDate()),
    lastHour: hourBucket(new Date(end.toMillis() - 1)),
    chartTo: DateTime.fromJSDate(lastInstant, { zone: timeZone }).toISODate()!,
    chartLastHour: hourBucket(lastInstant),
  }
}

/**
 * Reads the `from` and `to` days of a report's query string. Both absent
 * means no range: the whole run. Returns translation keys of the errors by
 * field for a missing day, a day that does not exist (such as 2025-02-30),
 * `from` after `to`, or a range longer than MAX_RANGE_DAYS.
 */
export function parseRange(
  query: Record<string, unknown>,
  timeZone: string,
  now = new Date()
): ParsedRange {
  const from = typeof query.from === 'string' ? query.from.trim() : ''
  const to = typeof query.to === 'string' ? query.to.trim() : ''
  if (from === '' && to === '') {
    return { range: null, errors: null }
  }

  const errors: RangeErrors = {}
  const first = parseDay(from, timeZone)
  const last = parseDay(to, timeZone)
  for (const [field, value, day] of [
    ['from', from, first],
    ['to', to, last],
  ] as const) {
    if (value === '') {
      errors[field] = 'reports.range_errors.required'
    } else if (day === null) {
      errors[field] = 'reports.range_errors.invalid'
    }
  }
  if (first && last && first > last) {
    errors.to = 'reports.range_errors.before_from'
  } else if (first && last && Math.round(last.diff(first, 'days').days) + 1 > MAX_RANGE_DAYS) {
    errors.to = 'reports.range_errors.too_long'
  }

  if (Object.keys(errors).length > 0) {
    return { range: null, errors }
  }
  return { range: rangeOf(from, to, timeZone, now), errors: null }
}

/**
 * Lists the quick choices of the range form for `now` in the tenant's time
 * zone: the last 7 and 30 days and this month, each ending today.
 */
export function rangePresets(timeZone: string, now = new Date()) {
  const today = DateTime.fromJSDate(now, { zone: timeZone })
  const day = (time: DateTime) => time.toISODate()!
  return [
    { key: 'last_7_days', from: day(today.minus({ days: 6 })), to: day(today) },
    { key: 'last_30_days', from: day(today.minus({ days: 29 })), to: day(today) },
    { key: 'this_month', from: day(today.startOf('month')), to: day(today) },
  ]
}

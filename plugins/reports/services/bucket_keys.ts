import { DateTime } from '#sdk'

export type Period = 'hour' | 'day'

/** Key of the hour bucket of an instant: `yyyy-MM-ddTHH` in UTC. */
export function hourBucket(at: Date) {
  return DateTime.fromJSDate(at, { zone: 'utc' }).toFormat("yyyy-LL-dd'T'HH")
}

/** Key of the day bucket of an instant: the `yyyy-MM-dd` date in `timeZone`. */
export function dayBucket(at: Date, timeZone: string) {
  const local = DateTime.fromJSDate(at, { zone: timeZone })
  return (local.isValid ? local : DateTime.fromJSDate(at, { zone: 'utc' })).toISODate()!
}

/** The instant an hour bucket starts, as ISO-8601 UTC. */
export function hourStart(bucket: string) {
  return `${bucket}:00:00.000Z`
}

/**
 * Every bucket key from `first` to `last` inclusive, so a chart shows quiet
 * hours and days as 0. Keeps the latest `maximum` keys when the range is longer.
 */
export function bucketRange(period: Period, first: string, last: string, maximum: number) {
  const unit = period === 'hour' ? 'hours' : 'days'
  const end = parseKey(period, last)
  const earliest = end.minus({ [unit]: maximum - 1 })
  const requested = parseKey(period, first)
  let time = requested < earliest ? earliest : requested

  const keys: string[] = []
  while (time <= end) {
    keys.push(formatKey(period, time))
    time = time.plus({ [unit]: 1 })
  }
  return keys
}

function parseKey(period: Period, key: string) {
  return DateTime.fromISO(period === 'hour' ? hourStart(key) : key, { zone: 'utc' })
}

function formatKey(period: Period, time: DateTime) {
  return period === 'hour' ? time.toFormat("yyyy-LL-dd'T'HH") : time.toISODate()!
}

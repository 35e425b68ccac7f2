import { DateTime } from '#sdk'

export type Period = 'hour' | 'day'

/** Key of the hour bucket of an instant: `yyyy-MM-ddTHH` in UTC. */
export function hourBucket(at: Date) {
  return at.toISOString().slice(0, 13)
}

/** Day keys already computed, by time zone and minute since the epoch. */
const dayKeys = new Map<string, string>()
const DAY_KEYS_KEPT = 1000

/**
 * Key of the day bucket of an instant: the `yyyy-MM-dd` date in `timeZone`.
 * An unknown zone counts in UTC. Time zone offsets change only on whole
 * minutes, so the key is computed once per zone and minute.
 */
export function dayBucket(at: Date, timeZone: string) {
  const cacheKey = `${timeZone}|${Math.floor(at.getTime() / 60_000)}`
  let key = dayKeys.get(cacheKey)
  if (key === undefined) {
    const local = DateTime.fromJSDate(at, { zone: timeZone })
    key = (local.isValid ? local : DateTime.fromJSDate(at, { zone: 'utc' })).toISODate()!
    if (dayKeys.size >= DAY_KEYS_KEPT) dayKeys.clear()
    dayKeys.set(cacheKey, key)
  }
  return key
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

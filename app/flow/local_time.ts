import { DateTime } from 'luxon'
import type { DurationValue, IsoWeekday, TimeWindowValue } from '#sdk'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

/** Hours and minutes of an `HH:mm` string. */
export function parseClock(value: string) {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value)
  if (!match) {
    throw new Error(`Invalid time of day "${value}": use HH:mm, 00:00 to 23:59`)
  }
  return { hour: Number(match[1]), minute: Number(match[2]) }
}

function offsetAt(millis: number, zone: string) {
  return DateTime.fromMillis(millis, { zone }).offset
}

/**
 * The first instant at which a clock in `zone` shows `clock` on `date`.
 *
 * - When that wall time occurs twice (the hour repeated as DST ends), the
 *   earlier occurrence.
 * - When it does not occur (the hour skipped as DST starts), the first
 *   instant after the gap: 02:30 on a day New York skips from 02:00 to
 *   03:00 gives 03:00.
 *
 * Luxon alone would pick the later occurrence and move a skipped time
 * forward by the gap's length (02:30 to 03:30), neither of which is the
 * first moment the clock reaches the time.
 */
export function firstLocalInstant(date: DateTime, clock: string, zone: string) {
  const { hour, minute } = parseClock(clock)
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute)
  const offsetsNearby = [offsetAt(wall - 14 * HOUR, zone), offsetAt(wall + 14 * HOUR, zone)]

  const occurrences = [...new Set(offsetsNearby)]
    .map((offset) => wall - offset * MINUTE)
    .filter((millis) => offsetAt(millis, zone) === (wall - millis) / MINUTE)
    .sort((a, b) => a - b)
  if (occurrences.length > 0) {
    return DateTime.fromMillis(occurrences[0], { zone })
  }

  // In a gap: find the transition, the first instant with the later offset.
  const [before, after] = offsetsNearby
  let low = wall - after * MINUTE
  let high = wall - before * MINUTE
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2)
    if (offsetAt(middle, zone) === after) {
      high = middle
    } else {
      low = middle
    }
  }
  return DateTime.fromMillis(Math.ceil(high / MINUTE) * MINUTE, { zone })
}

/** The open interval of a window that opens on the calendar day `day`. */
function windowOn(day: DateTime, window: TimeWindowValue, zone: string) {
  const opens = firstLocalInstant(day, window.start, zone)
  const start = parseClock(window.start)
  const end = parseClock(window.end)
  const crossesMidnight = end.hour * 60 + end.minute <= start.hour * 60 + start.minute
  const closingDay = crossesMidnight ? day.plus({ days: 1 }) : day
  const closes = firstLocalInstant(closingDay, window.end, zone)
  return { opens, closes }
}

function opensOn(day: DateTime, window: TimeWindowValue) {
  return window.days.includes(day.weekday as IsoWeekday)
}

/**
 * When `now` is inside the window, the instant the current opening closes;
 * otherwise `null`. Checks the opening of today and of yesterday, which is
 * still open after midnight for windows such as 21:00 to 08:00.
 */
export function currentWindowClose(now: DateTime, window: TimeWindowValue, zone: string) {
  const today = now.setZone(zone).startOf('day')
  for (const day of [today.minus({ days: 1 }), today]) {
    if (!opensOn(day, window)) {
      continue
    }
    const { opens, closes } = windowOn(day, window, zone)
    if (now >= opens && now < closes) {
      return closes.toUTC()
    }
  }
  return null
}

/**
 * The next instant at or after `now` that is inside the window: `now`
 * itself when inside, else the next opening. `null` when the window opens
 * on no day.
 */
export function nextWindowInstant(now: DateTime, window: TimeWindowValue, zone: string) {
  if (currentWindowClose(now, window, zone)) {
    return now.toUTC()
  }
  const today = now.setZone(zone).startOf('day')
  for (let offset = 0; offset <= 7; offset++) {
    const day = today.plus({ days: offset })
    if (!opensOn(day, window)) {
      continue
    }
    const { opens } = windowOn(day, window, zone)
    if (opens > now) {
      return opens.toUTC()
    }
  }
  return null
}

/**
 * `now` plus a duration. Days are calendar days in `zone`, so one day
 * keeps the local time across a DST change; other units are elapsed time.
 */
export function addDuration(now: DateTime, duration: DurationValue, zone: string) {
  if (duration.unit === 'days') {
    return now.setZone(zone).plus({ days: duration.amount }).toUTC()
  }
  return now.toUTC().plus({ [duration.unit]: duration.amount })
}

/** A duration in seconds, counting a day as 86 400 seconds. */
export function durationSeconds(duration: DurationValue) {
  const factor = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 }[duration.unit]
  return duration.amount * factor
}

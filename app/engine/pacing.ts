import { DateTime } from 'luxon'
import { redisKeyPrefix } from '#queues/redis_connection'
import { engineRedis } from '#engine/engine_redis'
import { engineNow } from '#engine/clock'

/** The pace of one campaign's sends on one number. */
export interface PaceSettings {
  /** Shortest gap between two sends of the number, in seconds. */
  minIntervalSeconds: number
  /** Longest gap; each gap is uniformly random between the two, in seconds. */
  maxIntervalSeconds: number
  /** Most sends of the number per day of `timeZone`; `null` is no cap. */
  dailyCap: number | null
  /** After this many sends in a row the number rests `pauseMinutes`; `null` is no rest. */
  pauseAfterSends: number | null
  pauseMinutes: number | null
  /** IANA zone whose midnights start the days of the daily cap (the tenant's). */
  timeZone: string
}

/**
 * Reserves the next send slot of one number atomically, so any number of
 * worker processes share one pace per number and two numbers never wait
 * for each other. State per number in a Redis hash: `next` (earliest free
 * slot, ms), `last` (last slot), `run` (sends since the last rest), `day`
 * and `count` (the current cap day's start and its sends). ARGV: now, gap,
 * cap (0 = none), pause-after (0 = none), pause ms, commit (0 returns the
 * slot without taking it), the `next` the caller expects (-1 for any), then
 * the starts of the coming days in ms, ascending. Returns the slot in ms and
 * the `next` it started from. The slot is -1, with the state unchanged, when
 * a capped number's slot is not before the last day start given, and -2
 * when `next` is not the one expected.
 */
const RESERVE_SLOT = `
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local pauseAfter = tonumber(ARGV[4])
local pauseMs = tonumber(ARGV[5])
local commit = tonumber(ARGV[6])
local expected = tonumber(ARGV[7])
local state = redis.call('HMGET', KEYS[1], 'next', 'last', 'run', 'day', 'count')
local nextFree = tonumber(state[1] or '0')
if expected >= 0 and nextFree ~= expected then return {-2, nextFree} end
local last = tonumber(state[2] or '0')
local run = tonumber(state[3] or '0')
local day = tonumber(state[4] or '0')
local count = tonumber(state[5] or '0')
local slot = math.max(now, nextFree)
if pauseMs > 0 and slot - last >= pauseMs then run = 0 end
local function dayOf(t)
  local found = tonumber(ARGV[8])
  for i = 8, #ARGV do
    local start = tonumber(ARGV[i])
    if start <= t then found = start end
  end
  return found
end
local function dayAfter(d)
  for i = 8, #ARGV do
    local start = tonumber(ARGV[i])
    if start > d then return start end
  end
  return nil
end
-- The day of a slot on or after the last start given is unknown: the caller retries
-- with days that start at the number's next free slot.
if cap > 0 and slot >= tonumber(ARGV[#ARGV]) then return {-1, nextFree} end
local current = dayOf(slot)
if current ~= day then day = current; count = 0 end
if cap > 0 and count >= cap then
  local following = dayAfter(current)
  if not following then return {-1, nextFree} end
  slot = math.max(slot, following)
  day = following
  count = 0
  run = 0
end
count = count + 1
run = run + 1
local after = gap
if pauseAfter > 0 and run >= pauseAfter then
  after = math.max(gap, pauseMs)
  run = 0
end
if commit == 0 then return {slot, nextFree} end
redis.call('HSET', KEYS[1], 'next', slot + after, 'last', slot, 'run', run, 'day', day, 'count', count)
-- Kept 10 days past the last reserved slot, which may lie weeks ahead under a daily cap.
redis.call('PEXPIRE', KEYS[1], math.max(0, slot - now) + 10 * 86400000)
return {slot, nextFree}
`

/**
 * Gives back the slots of sends that will not happen, such as those of a
 * cancelled campaign, on one number. KEYS[1] is the number's pace state.
 * ARGV: now, gap, the latest slot still reserved (0 for none), then the
 * released slots. The next free slot becomes one gap after the later of
 * now and the latest slot still reserved, and the released slots of the
 * current cap day no longer count against the cap. The number's last
 * reserved slot stays reserved unless it is among the released ones, so a
 * send that passed the gate while the caller read the queue keeps its gap.
 */
const RELEASE_SLOTS = `
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local latestKept = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local state = redis.call('HMGET', KEYS[1], 'run', 'day', 'count', 'last')
local run = tonumber(state[1] or '0')
local day = tonumber(state[2] or '0')
local count = tonumber(state[3] or '0')
local last = tonumber(state[4] or '0')
local lastReleased = false
for i = 4, #ARGV do
  local slot = tonumber(ARGV[i])
  if slot == last then lastReleased = true end
  if slot >= day then count = math.max(0, count - 1) end
  run = math.max(0, run - 1)
end
-- A send that took a slot while the caller listed the released ones keeps it.
if not lastReleased then latestKept = math.max(latestKept, last) end
redis.call('HSET', KEYS[1], 'next', math.max(now, latestKept) + gap, 'last', latestKept, 'run', run, 'count', count)
return 1
`

/**
 * Reads a number's pace state: the instant its next send may leave and the
 * last reserved slot, in epoch milliseconds of engine time. `null` before
 * its first paced send.
 */
export async function readPaceState(instanceId: number) {
  const [next, last] = await engineRedis().hmget(paceKey(instanceId), 'next', 'last')
  return next === null ? null : { next: Number(next), last: Number(last ?? 0) }
}

/**
 * Days of cap boundaries handed to the script. They start the day before
 * `from`, or the day before the number's next free slot when that slot
 * lies beyond them, so a cap of at least one a day finds its slot among them.
 */
const CAP_HORIZON_DAYS = 10

function paceKey(instanceId: number) {
  return `${redisKeyPrefix()}:engine:pace:${instanceId}`
}

function isUnpaced(settings: PaceSettings) {
  return (
    settings.maxIntervalSeconds <= 0 &&
    settings.dailyCap === null &&
    (settings.pauseAfterSends === null || !settings.pauseMinutes)
  )
}

function randomGapMs(settings: PaceSettings) {
  const min = Math.max(0, settings.minIntervalSeconds) * 1000
  const max = Math.max(min, settings.maxIntervalSeconds * 1000)
  return Math.round(min + Math.random() * (max - min))
}

function dayStarts(from: DateTime, zone: string) {
  const first = from.setZone(zone).startOf('day').minus({ days: 1 })
  return Array.from({ length: CAP_HORIZON_DAYS + 1 }, (_, index) =>
    first.plus({ days: index }).toMillis()
  )
}

/** Returns when quiet hours that are on at an instant end, or `null` when sending is allowed then. */
export type QuietEnd = (at: DateTime) => Promise<DateTime | null>

/** Times a reservation moves its start past quiet hours before it takes the slot it finds. */
const MAX_QUIET_MOVES = 5

/** Times a reservation looks again after another process took the slot it found. */
const MAX_RESERVE_ATTEMPTS = 20

/** Options of one run of the pacing script. */
interface ScriptRun {
  earliest: DateTime
  gap: number
  commit: boolean
  /** The number's `next` the run expects, or `null` for any. */
  expectedNext: number | null
}

/**
 * Runs the pacing script for one number and returns the slot it found (or
 * -2 when `expectedNext` no longer holds) and the number's `next` before
 * the run. A capped number booked beyond the days the first call gives is
 * called again with the days of its next free slot.
 */
async function runReserveScript(instanceId: number, settings: PaceSettings, options: ScriptRun) {
  const pauseMs = settings.pauseAfterSends ? (settings.pauseMinutes ?? 0) * 60_000 : 0
  const run = async (daysFrom: DateTime) => {
    const [slot, nextFree] = (await engineRedis().eval(
      RESERVE_SLOT,
      1,
      paceKey(instanceId),
      options.earliest.toMillis(),
      options.gap,
      settings.dailyCap ?? 0,
      settings.pauseAfterSends ?? 0,
      pauseMs,
      options.commit ? 1 : 0,
      options.expectedNext ?? -1,
      ...dayStarts(daysFrom, settings.timeZone)
    )) as [number, number]
    return { slot: Number(slot), nextFree: Number(nextFree) }
  }

  let result = await run(options.earliest)
  for (let attempt = 0; result.slot === -1 && attempt < 3; attempt++) {
    const nextFree = Math.max(options.earliest.toMillis(), result.nextFree)
    result = await run(DateTime.fromMillis(nextFree, { zone: 'utc' }))
  }
  if (result.slot === -1) {
    throw new Error(`No send slot found for instance ${instanceId}: its pace state keeps moving`)
  }
  return result
}

/** Reservations of this process in progress, by number, so they run one after another. */
const numberLocks = new Map<number, Promise<unknown>>()

/** Runs `work` after this process's earlier reservations on the same number settled. */
function oneAtATime<T>(instanceId: number, work: () => Promise<T>): Promise<T> {
  const previous = numberLocks.get(instanceId) ?? Promise.resolve()
  const current = previous.catch(() => undefined).then(work)
  numberLocks.set(instanceId, current)
  void current
    .catch(() => undefined)
    .finally(() => {
      if (numberLocks.get(instanceId) === current) {
        numberLocks.delete(instanceId)
      }
    })
  return current
}

/**
 * Finds the first slot outside quiet hours without taking it, then takes it
 * if no other reservation moved the number's pace meanwhile, else looks
 * again. Reservations of one process on one number run one at a time, so
 * only another process's can make it look again.
 */
async function reserveOutsideQuietHours(
  instanceId: number,
  from: DateTime,
  settings: PaceSettings,
  gap: number,
  quietEnd: QuietEnd
) {
  for (let attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
    let earliest = from
    let found = await runReserveScript(instanceId, settings, {
      earliest,
      gap,
      commit: false,
      expectedNext: null,
    })
    for (let move = 0; move < MAX_QUIET_MOVES; move++) {
      const end = await quietEnd(DateTime.fromMillis(found.slot, { zone: 'utc' }))
      if (!end) {
        break
      }
      earliest = end
      found = await runReserveScript(instanceId, settings, {
        earliest,
        gap,
        commit: false,
        expectedNext: null,
      })
    }
    const reserved = await runReserveScript(instanceId, settings, {
      earliest,
      gap,
      commit: true,
      expectedNext: found.nextFree,
    })
    if (reserved.slot !== -2) {
      return DateTime.fromMillis(reserved.slot, { zone: 'utc' })
    }
  }
  throw new Error(`No send slot found for instance ${instanceId}: its pace state keeps moving`)
}

/**
 * Reserves the instant at which the next message of `instanceId` may
 * leave, no earlier than `from`: after the previous reserved send plus a
 * random gap between the minimum and maximum interval, after the rest that
 * follows every `pauseAfterSends` sends, and on the next day once the
 * daily cap is used up. Every reservation takes its slot, so a caller must
 * send at the returned instant or leave a gap in the pace (never a burst).
 *
 * With `quietEnd`, a slot that falls in quiet hours is not taken: the
 * search starts again where they end. A capped number's days start at
 * midnight, inside the usual night-time quiet hours, so without this each
 * day's sends would reserve slots they may not use.
 */
export async function reservePaceSlot(
  instanceId: number,
  from: DateTime,
  settings: PaceSettings,
  quietEnd?: QuietEnd
) {
  if (isUnpaced(settings)) {
    return from
  }
  const gap = randomGapMs(settings)
  if (quietEnd) {
    return oneAtATime(instanceId, () =>
      reserveOutsideQuietHours(instanceId, from, settings, gap, quietEnd)
    )
  }
  const { slot } = await runReserveScript(instanceId, settings, {
    earliest: from,
    gap,
    commit: true,
    expectedNext: null,
  })
  return DateTime.fromMillis(slot, { zone: 'utc' })
}

/**
 * Sends a minute that `settings` allow on one number, on average: the mean
 * of the random interval, one rest after every `pauseAfterSends` sends, and
 * the daily cap spread over the day. `null` when the settings pace nothing.
 */
export function paceSendsPerMinute(settings: PaceSettings) {
  if (isUnpaced(settings)) {
    return null
  }
  const min = Math.max(0, settings.minIntervalSeconds)
  const meanGap = (min + Math.max(min, settings.maxIntervalSeconds)) / 2
  const rest = settings.pauseAfterSends ? (settings.pauseMinutes ?? 0) * 60 : 0
  // The script waits max(gap, rest) after the last send of a run instead of the gap.
  const runLength = rest > 0 ? settings.pauseAfterSends! : 1
  const runSeconds = (runLength - 1) * meanGap + Math.max(meanGap, rest)
  const byInterval = runSeconds > 0 ? (60 * runLength) / runSeconds : Number.POSITIVE_INFINITY
  const byCap = settings.dailyCap === null ? Number.POSITIVE_INFINITY : settings.dailyCap / 1440
  return Math.min(byInterval, byCap)
}

/**
 * Releases the reserved slots `released` (epoch milliseconds of engine
 * time) of one number, keeping `latestKept`, the latest slot other sends still
 * hold (`null` for none). The number's last reserved slot counts as kept
 * unless it is released. The number's next send waits `gapSeconds` after
 * the later of now and the latest kept slot, so it never leaves right after
 * the send before it.
 */
export async function releasePaceSlots(
  instanceId: number,
  released: number[],
  latestKept: number | null,
  gapSeconds: number
) {
  const now = await engineNow()
  await engineRedis().eval(
    RELEASE_SLOTS,
    1,
    paceKey(instanceId),
    now.toMillis(),
    Math.max(0, gapSeconds) * 1000,
    latestKept ?? 0,
    ...released
  )
}

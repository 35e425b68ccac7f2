import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { redisKeyPrefix } from '#queues/redis_connection'
import { engineRedis as redis } from '#engine/engine_redis'

/**
 * The engine's clock. Every engine decision (waits, windows, quiet hours,
 * pacing, reply timeouts) reads the time from `engineNow`, never from
 * `Date.now()` directly.
 *
 * Outside production the clock reads an offset in milliseconds from Redis,
 * so a test can move the time of every process of the install at once (web,
 * workers, channels). Time keeps flowing from the moved instant. In
 * production the key is never read and the clock is the system's UTC time,
 * so the server's own time zone never matters.
 */

function offsetKey() {
  return `${redisKeyPrefix()}:engine:clock-offset`
}

function movable() {
  return !app.inProduction
}

/**
 * Reads of the offset made at the same time share one GET, which starts
 * after all of them were made, so none reads an offset older than its call.
 */
const offsetReads = new KeyedBatcher<string, null, string | null>((key) => redis().get(key))

/** The offset from the system clock, in milliseconds; 0 unless a test moved the clock. */
export async function clockOffsetMs() {
  if (!movable()) {
    return 0
  }
  const stored = await offsetReads.add(offsetKey(), null)
  return stored === null ? 0 : Number(stored)
}

/** The engine's current instant, in UTC. */
export async function engineNow() {
  return DateTime.fromMillis(Date.now() + (await clockOffsetMs()), { zone: 'utc' })
}

/** Turns an engine instant into a BullMQ delay in milliseconds from now (0 when past). */
export async function delayUntil(instant: DateTime) {
  const now = await engineNow()
  return Math.max(0, instant.toMillis() - now.toMillis())
}

function assertMovable() {
  if (!movable()) {
    throw new Error('The engine clock cannot be moved in production')
  }
}

/** Sets the engine clock to `instant`; time flows on from there. For tests. */
export async function setEngineClock(instant: DateTime) {
  assertMovable()
  await redis().set(offsetKey(), String(instant.toMillis() - Date.now()))
}

/** Moves the engine clock forward by `milliseconds`. For tests. */
export async function advanceEngineClock(milliseconds: number) {
  assertMovable()
  await redis().incrby(offsetKey(), Math.round(milliseconds))
}

/** Puts the engine clock back on the system clock. */
export async function resetEngineClock() {
  assertMovable()
  await redis().del(offsetKey())
}

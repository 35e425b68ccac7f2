import type { DateTime } from 'luxon'
import { redisKeyPrefix } from '#queues/redis_connection'
import { engineRedis } from '#engine/engine_redis'
import { engineNow } from '#engine/clock'

/** How long a campaign's record of held sends outlives the latest of them, in milliseconds. */
const HELD_SENDS_TTL_MARGIN_MS = 24 * 3600_000

/**
 * Key of the sorted set of a campaign's sends that the send gate holds for
 * quiet hours: message ids, scored by the engine instant each goes on.
 */
function heldSendsKey(campaignId: number) {
  return `${redisKeyPrefix()}:engine:quiet-held:${campaignId}`
}

/**
 * Records that the send gate holds the send of message `messageId` until
 * `until` because of quiet hours, for the campaign's progress. The record
 * lasts a day past the latest hold, so a finished campaign leaves nothing.
 */
export async function recordHeldSend(campaignId: number, messageId: number, until: DateTime) {
  const key = heldSendsKey(campaignId)
  const now = await engineNow()
  const ttl = Math.max(0, until.toMillis() - now.toMillis()) + HELD_SENDS_TTL_MARGIN_MS
  await engineRedis()
    .multi()
    .zadd(key, until.toMillis(), String(messageId))
    .pexpire(key, ttl, 'NX')
    .pexpire(key, ttl, 'GT')
    .exec()
}

/**
 * Counts the campaign's sends that the send gate holds for quiet hours at
 * engine instant `now`, with the earliest instant one of them goes on. A
 * hold whose instant passed has ended: its send left or left the gate again.
 */
export async function heldSends(campaignId: number, now: DateTime) {
  const key = heldSendsKey(campaignId)
  const results = await engineRedis()
    .multi()
    .zremrangebyscore(key, '-inf', now.toMillis())
    .zcard(key)
    .zrange(key, 0, 0, 'WITHSCORES')
    .exec()
  const count = Number(results?.[1]?.[1] ?? 0)
  const first = results?.[2]?.[1] as string[] | undefined
  return { count, until: count > 0 && first?.[1] ? Number(first[1]) : null }
}

/**
 * Drops the records of the campaign's held sends `messageIds`, when they
 * pass the send gate again after a quiet-hours change. The gate records
 * again those it still holds.
 */
export async function forgetHeldSends(campaignId: number, messageIds: number[]) {
  if (messageIds.length > 0) {
    await engineRedis().zrem(heldSendsKey(campaignId), ...messageIds.map(String))
  }
}

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { IsoWeekday } from '#sdk'
import { currentWindowClose } from '#flow/local_time'
import { engineRedis } from '#engine/engine_redis'
import { redisKeyPrefix } from '#queues/redis_connection'
import { engineNow } from '#engine/clock'
import { readPaceState, releasePaceSlots, reservePaceSlot, type PaceSettings } from '#engine/pacing'

const ZONE = 'America/Sao_Paulo'
const EVERY_DAY: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7]
const NIGHT = { days: EVERY_DAY, start: '21:00', end: '08:00' }

/** Two sends a day, a minute apart, in São Paulo's days. */
const CAPPED: PaceSettings = {
  minIntervalSeconds: 60,
  maxIntervalSeconds: 60,
  dailyCap: 2,
  pauseAfterSends: null,
  pauseMinutes: null,
  timeZone: ZONE,
}

/** One send a minute, with no cap. */
const EVERY_MINUTE: PaceSettings = { ...CAPPED, dailyCap: null }

const quietEnd = async (at: DateTime) => currentWindowClose(at, NIGHT, ZONE)

/** Picks a number id no other test uses and removes its pace state. */
async function freshNumber() {
  const instanceId = 900_000 + Math.floor(Math.random() * 90_000)
  await engineRedis().del(`${redisKeyPrefix()}:engine:pace:${instanceId}`)
  return instanceId
}

function localTimes(slots: DateTime[]) {
  return slots.map((slot) => slot.setZone(ZONE).toFormat('dd HH:mm')).sort()
}

test.group('Engine pacing', () => {
  test('concurrent reservations skip quiet hours', async ({ assert }) => {
    const instanceId = await freshNumber()
    // 14:00 in São Paulo on 11 March 2025.
    const from = DateTime.fromISO('2025-03-11T17:00:00Z', { zone: 'utc' })

    const slots = await Promise.all(
      Array.from({ length: 6 }, () => reservePaceSlot(instanceId, from, CAPPED, quietEnd))
    )

    assert.deepEqual(localTimes(slots), [
      '11 14:00',
      '11 14:01',
      '12 08:00',
      '12 08:01',
      '13 08:00',
      '13 08:01',
    ])
  })

  test('reservation looks again after another process', async ({ assert }) => {
    const instanceId = await freshNumber()
    const from = DateTime.fromISO('2025-03-11T17:00:00Z', { zone: 'utc' })
    // Between this process's look at 14:00 and its take, another process takes both of
    // the day's sends, so the slot the take would get is midnight, in quiet hours.
    let otherProcessRan = false
    const quietEndAfterOtherProcess = async (at: DateTime) => {
      if (!otherProcessRan) {
        otherProcessRan = true
        await reservePaceSlot(instanceId, from, CAPPED)
        await reservePaceSlot(instanceId, from, CAPPED)
      }
      return quietEnd(at)
    }

    const slot = await reservePaceSlot(instanceId, from, CAPPED, quietEndAfterOtherProcess)

    assert.isTrue(otherProcessRan)
    assert.equal(slot.setZone(ZONE).toFormat('dd HH:mm'), '12 08:00')
  })

  test('release keeps a slot taken meanwhile', async ({ assert }) => {
    const instanceId = await freshNumber()
    const now = await engineNow()
    const from = now.plus({ hours: 1 })
    const held = [
      await reservePaceSlot(instanceId, from, EVERY_MINUTE),
      await reservePaceSlot(instanceId, from, EVERY_MINUTE),
    ]
    // A send passes the gate after the caller listed the held sends, before the release.
    const meanwhile = await reservePaceSlot(instanceId, from, EVERY_MINUTE)

    await releasePaceSlots(
      instanceId,
      held.map((slot) => slot.toMillis()),
      null,
      60
    )

    const state = await readPaceState(instanceId)
    assert.equal(state!.last, meanwhile.toMillis())
    assert.equal(state!.next, meanwhile.toMillis() + 60_000)
  })

  test('release frees the last slot', async ({ assert }) => {
    const instanceId = await freshNumber()
    const now = await engineNow()
    const from = now.plus({ hours: 1 })
    const kept = await reservePaceSlot(instanceId, from, EVERY_MINUTE)
    const released = [
      await reservePaceSlot(instanceId, from, EVERY_MINUTE),
      await reservePaceSlot(instanceId, from, EVERY_MINUTE),
    ]

    await releasePaceSlots(
      instanceId,
      released.map((slot) => slot.toMillis()),
      kept.toMillis(),
      60
    )

    const state = await readPaceState(instanceId)
    assert.equal(state!.next, kept.toMillis() + 60_000)
  })
})

import { test } from '@japa/runner'
import {
  DEFAULT_BACKOFF,
  backoffDelay,
  decideDisconnect,
  type DisconnectInput,
} from '../disconnect_policy.js'

const NOW = 1_800_000_000_000

function input(statusCode: number | null, overrides: Partial<DisconnectInput> = {}) {
  return { statusCode, streamErrorType: null, failures: 0, openedAt: null, now: NOW, ...overrides }
}

/** A random source fixed at the middle, so delays are exact. */
const middle = () => 0.5

test.group('WhatsApp disconnect policy', () => {
  test('restart required reconnects at once', ({ assert }) => {
    const decision = decideDisconnect(input(515, { failures: 4 }))
    assert.equal(decision.action.kind, 'reconnect_now')
    assert.equal(decision.failures, 0)
  })

  test('logged out wipes and stops', ({ assert }) => {
    const decision = decideDisconnect(input(401))
    assert.equal(decision.action.kind, 'wipe_and_stop')
    assert.include(decision.action.reason, '401')
  })

  test('device removed wipes and stops', ({ assert }) => {
    const decision = decideDisconnect(input(440, { streamErrorType: 'device_removed' }))
    assert.equal(decision.action.kind, 'wipe_and_stop')
    assert.include(decision.action.reason, 'device removed')
  })

  test('replaced checks ownership then backs off', ({ assert }) => {
    const decision = decideDisconnect(input(440), DEFAULT_BACKOFF, middle)
    assert.equal(decision.action.kind, 'check_owner_then_back_off')
    if (decision.action.kind === 'check_owner_then_back_off') {
      assert.isAtLeast(decision.action.delayMs, DEFAULT_BACKOFF.replacedDelayMs)
    }
  })

  for (const code of [403, 405, 411]) {
    test(`code ${code} stops and alerts`, ({ assert }) => {
      const decision = decideDisconnect(input(code))
      assert.equal(decision.action.kind, 'stop_and_alert')
      assert.include(decision.action.reason, String(code))
    })
  }

  for (const code of [408, 428, 500, 503, null, 499]) {
    test(`code ${code} backs off`, ({ assert }) => {
      const decision = decideDisconnect(input(code), DEFAULT_BACKOFF, middle)
      assert.equal(decision.action.kind, 'back_off')
      if (decision.action.kind === 'back_off') {
        assert.equal(decision.action.attempt, 1)
        assert.equal(decision.action.delayMs, backoffDelay(1, DEFAULT_BACKOFF, middle))
      }
      assert.equal(decision.failures, 1)
    })
  }

  test('flapping session backs off further', ({ assert }) => {
    let failures = 0
    const delays: number[] = []
    for (let round = 0; round < 6; round++) {
      const decision = decideDisconnect(
        input(428, { failures, openedAt: NOW - 5_000 }),
        DEFAULT_BACKOFF,
        middle
      )
      failures = decision.failures
      if (decision.action.kind === 'back_off') {
        delays.push(decision.action.delayMs)
      }
    }
    assert.equal(failures, 6)
    assert.lengthOf(delays, 6)
    for (let index = 1; index < delays.length; index++) {
      assert.isAbove(delays[index], delays[index - 1])
    }
  })

  test('stable session starts counting again', ({ assert }) => {
    const decision = decideDisconnect(
      input(428, { failures: 7, openedAt: NOW - DEFAULT_BACKOFF.stableAfterMs - 1 }),
      DEFAULT_BACKOFF,
      middle
    )
    assert.equal(decision.failures, 1)
    assert.equal(decision.action.kind, 'back_off')
  })

  test('closes before open count as failures', ({ assert }) => {
    const decision = decideDisconnect(input(503, { failures: 2, openedAt: null }))
    assert.equal(decision.failures, 3)
  })
})

test.group('WhatsApp backoff delay', () => {
  test('doubles per attempt', ({ assert }) => {
    const options = { ...DEFAULT_BACKOFF, baseMs: 1000, maxMs: 1_000_000 }
    assert.equal(
      backoffDelay(1, options, () => 1),
      1000
    )
    assert.equal(
      backoffDelay(2, options, () => 1),
      2000
    )
    assert.equal(
      backoffDelay(5, options, () => 1),
      16_000
    )
  })

  test('is capped at the maximum', ({ assert }) => {
    const options = { ...DEFAULT_BACKOFF, baseMs: 1000, maxMs: 30_000 }
    assert.equal(
      backoffDelay(40, options, () => 1),
      30_000
    )
  })

  test('jitter stays in the upper half', ({ assert }) => {
    const options = { ...DEFAULT_BACKOFF, baseMs: 1000, maxMs: 1_000_000 }
    assert.equal(
      backoffDelay(3, options, () => 0),
      2000
    )
    assert.equal(
      backoffDelay(3, options, () => 0.999_999),
      4000
    )
    for (let index = 0; index < 50; index++) {
      const delay = backoffDelay(3, options)
      assert.isAtLeast(delay, 2000)
      assert.isAtMost(delay, 4000)
    }
  })
})

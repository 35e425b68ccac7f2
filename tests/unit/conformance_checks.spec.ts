import { test } from '@japa/runner'
import { InstanceNotConnectedError, NotOnWhatsAppError, ChannelError } from '#sdk'
import {
  expectChannelError,
  missingEventMessage,
  pairingProblem,
} from '#plugins/testing/conformance_checks'

const notConnectedRule = {
  call: 'send() while the status is "closed"',
  codes: ['E_INSTANCE_NOT_CONNECTED'],
  fix: 'Raise InstanceNotConnectedError at the start of send().',
}

/** Runs a check and returns the error it threw, or `null`. */
function failureOf(check: () => void) {
  try {
    check()
    return null
  } catch (error) {
    return error as Error
  }
}

test.group('Conformance checks', () => {
  test('provider error names rule and fix', ({ assert }) => {
    const providerError = Object.assign(new Error('not connected'), { code: 'not_connected' })
    const failure = failureOf(() => expectChannelError(providerError, notConnectedRule))

    assert.isNotNull(failure)
    assert.include(failure!.message, 'send() while the status is "closed" must reject')
    assert.include(failure!.message, 'code E_INSTANCE_NOT_CONNECTED')
    assert.include(failure!.message, 'it rejected with Error (code "not_connected"): not connected')
    assert.include(failure!.message, 'Raise InstanceNotConnectedError at the start of send().')
  })

  test('resolved call is reported', ({ assert }) => {
    const failure = failureOf(() => expectChannelError(null, notConnectedRule))
    assert.include(failure!.message, 'but it resolved.')
  })

  test('wrong code is reported', ({ assert }) => {
    const failure = failureOf(() =>
      expectChannelError(new NotOnWhatsAppError('****7777'), notConnectedRule)
    )
    assert.include(failure!.message, 'rejected with NotOnWhatsAppError (code "E_NOT_ON_WHATSAPP")')
  })

  test('wrong retryable is reported', ({ assert }) => {
    const retryable = new ChannelError('gone', { code: 'E_NOT_ON_WHATSAPP', retryable: true })
    const failure = failureOf(() =>
      expectChannelError(retryable, {
        call: 'send() to the unknown recipient',
        codes: ['E_NOT_ON_WHATSAPP'],
        retryable: false,
        fix: '',
      })
    )
    assert.include(failure!.message, 'rejected with E_NOT_ON_WHATSAPP, which must be not retryable')
  })

  test('matching error passes', ({ assert }) => {
    const failure = failureOf(() =>
      expectChannelError(new InstanceNotConnectedError(1, 'closed'), notConnectedRule)
    )
    assert.isNull(failure)
  })

  test('missing pair option is named', ({ assert }) => {
    const problem = pairingProblem({ id: 'acme-sms', pairing: 'qr' }, undefined)
    assert.include(problem!, 'Channel "acme-sms" declares pairing "qr"')
    assert.include(problem!, 'needs a "pair" option')
    assert.isNull(pairingProblem({ id: 'acme-sms', pairing: 'none' }, undefined))
    assert.isNull(pairingProblem({ id: 'acme-sms', pairing: 'code' }, async () => {}))
  })

  test('missing event names statuses and fix', ({ assert }) => {
    const expected = { event: '"open" status after connect()', fix: 'Emit it once it can send.' }
    assert.equal(
      missingEventMessage(expected, 500, ['connecting', 'qr']),
      'No "open" status after connect() within 500 ms (statuses so far: connecting > qr). Emit it once it can send.'
    )
    assert.equal(
      missingEventMessage({ event: '"qr" status' }, 500, []),
      'No "qr" status within 500 ms (statuses so far: none).'
    )
  })
})

import { test } from '@japa/runner'
import vine from '@vinejs/vine'
import { canonicalZone, tenantTimeZone } from '#validators/time_zones'

const validator = vine.compile(vine.object({ timezone: tenantTimeZone() }))

test.group('Time zones', () => {
  test('rejects offsets and System V names', ({ assert }) => {
    for (const value of ['+05:00', '-23:59', 'SystemV/AST4', 'Mars/Olympus', '../../etc']) {
      assert.isNull(canonicalZone(value), value)
    }
  })

  test('stores the canonical spelling', async ({ assert }) => {
    const lower = await validator.validate({ timezone: 'america/sao_paulo' })
    assert.equal(lower.timezone, 'America/Sao_Paulo')
    assert.equal(canonicalZone('US/Pacific-New'), 'America/Los_Angeles')
    assert.equal(canonicalZone('UTC'), 'UTC')
    assert.equal(canonicalZone('America/Manaus'), 'America/Manaus')
  })

  test('rejects an offset in a form', async ({ assert }) => {
    await assert.rejects(() => validator.validate({ timezone: '+05:00' }))
  })
})

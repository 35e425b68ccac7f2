import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { fromSqlTime, sqlTime } from '#sdk'

test.group('SQL times', () => {
  test('writes UTC to the second', ({ assert }) => {
    assert.equal(sqlTime(new Date('2025-03-09T07:00:59.999Z')), '2025-03-09 07:00:59')
    const saoPaulo = DateTime.fromISO('2025-03-10T21:30:00', { zone: 'America/Sao_Paulo' })
    assert.equal(sqlTime(saoPaulo), '2025-03-11 00:30:00')
    assert.equal(sqlTime(DateTime.utc(1999, 12, 31, 23, 59, 59)), '1999-12-31 23:59:59')
  })

  test('raises for invalid times', ({ assert }) => {
    assert.throws(() => sqlTime(DateTime.invalid('bad input')), RangeError)
    assert.throws(() => sqlTime(new Date('not a date')), RangeError)
  })

  test('reads driver times back', ({ assert }) => {
    const date = new Date('2025-03-11T11:00:00.000Z')
    assert.equal(fromSqlTime('2025-03-11 11:00:00')?.toISOString(), date.toISOString())
    assert.equal(fromSqlTime(date), date)
    assert.isNull(fromSqlTime(null))
    assert.isNull(fromSqlTime(undefined))
  })
})

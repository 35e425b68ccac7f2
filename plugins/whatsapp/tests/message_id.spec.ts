import { test } from '@japa/runner'
import { newMessageId } from '../message_id.js'

test.group('WhatsApp message id', () => {
  test('has the WhatsApp Web shape', ({ assert }) => {
    for (let i = 0; i < 100; i++) {
      assert.match(newMessageId(), /^3EB0[0-9A-F]{18}$/)
    }
  })

  test('differs on every call', ({ assert }) => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newMessageId()))
    assert.equal(ids.size, 10_000)
  })
})

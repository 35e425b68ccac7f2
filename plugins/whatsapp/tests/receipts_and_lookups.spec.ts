import { test } from '@japa/runner'
import { receiptFromStatus, WA_STATUS } from '../receipt_mapping.js'
import { RecipientResolver } from '../recipient_resolver.js'
import type { NumberLookup } from '../baileys_adapter.js'

test.group('WhatsApp receipt mapping', () => {
  test('acks map to sent, delivered, read', ({ assert }) => {
    assert.deepEqual(receiptFromStatus(WA_STATUS.serverAck), { status: 'sent' })
    assert.deepEqual(receiptFromStatus(WA_STATUS.delivered), { status: 'delivered' })
    assert.deepEqual(receiptFromStatus(WA_STATUS.read), { status: 'read' })
    assert.deepEqual(receiptFromStatus(WA_STATUS.played), { status: 'read' })
  })

  test('pending maps to nothing', ({ assert }) => {
    assert.isNull(receiptFromStatus(WA_STATUS.pending))
  })

  test('error 463 fails and restricts', ({ assert }) => {
    const receipt = receiptFromStatus(WA_STATUS.error, ['463'])
    assert.equal(receipt?.status, 'failed')
    assert.equal(receipt?.code, 'E_WHATSAPP_463')
    assert.equal(receipt?.restriction, '463')
    assert.include(receipt?.reason, '463')
  })

  test('other error codes fail without restricting', ({ assert }) => {
    const receipt = receiptFromStatus(WA_STATUS.error, ['479'])
    assert.equal(receipt?.code, 'E_WHATSAPP_479')
    assert.isUndefined(receipt?.restriction)
  })

  test('error without a code fails generically', ({ assert }) => {
    const receipt = receiptFromStatus(WA_STATUS.error, [])
    assert.equal(receipt?.code, 'E_SEND_FAILED')
  })
})

function fakeWhatsApp(known: Record<string, string>) {
  const asked: { phone: string; at: number }[] = []
  const lookup = async (phone: string): Promise<NumberLookup> => {
    asked.push({ phone, at: Date.now() })
    const jid = known[phone] ?? null
    return { phone, exists: jid !== null, jid, lid: null }
  }
  return { asked, lookup }
}

test.group('WhatsApp recipient resolver', () => {
  test('caches found and missing numbers', async ({ assert }) => {
    const whatsapp = fakeWhatsApp({ '+5511988887777': '551188887777@s.whatsapp.net' })
    const resolver = new RecipientResolver(whatsapp.lookup, { minIntervalMs: 0 })
    const found = await resolver.resolve('+5511988887777')
    await resolver.resolve('+5511988887777')
    const missing = await resolver.resolve('+5511900000000')
    await resolver.resolve('+5511900000000')
    assert.equal(found.jid, '551188887777@s.whatsapp.net')
    assert.isFalse(missing.exists)
    assert.lengthOf(whatsapp.asked, 2)
  })

  test('concurrent requests share one lookup', async ({ assert }) => {
    const whatsapp = fakeWhatsApp({ '+5511988887777': '551188887777@s.whatsapp.net' })
    const resolver = new RecipientResolver(whatsapp.lookup, { minIntervalMs: 0 })
    await Promise.all([1, 2, 3].map(() => resolver.resolve('+5511988887777')))
    assert.lengthOf(whatsapp.asked, 1)
  })

  test('lookups are spaced by the interval', async ({ assert }) => {
    const whatsapp = fakeWhatsApp({})
    const resolver = new RecipientResolver(whatsapp.lookup, { minIntervalMs: 100 })
    await Promise.all(
      ['+5511900000001', '+5511900000002', '+5511900000003'].map((phone) => resolver.resolve(phone))
    )
    assert.lengthOf(whatsapp.asked, 3)
    for (let index = 1; index < whatsapp.asked.length; index++) {
      assert.isAtLeast(whatsapp.asked[index].at - whatsapp.asked[index - 1].at, 95)
    }
  })

  test('missing numbers expire sooner', async ({ assert }) => {
    const whatsapp = fakeWhatsApp({})
    const resolver = new RecipientResolver(whatsapp.lookup, { minIntervalMs: 0, missingTtlMs: 30 })
    await resolver.resolve('+5511900000001')
    await new Promise((resolve) => setTimeout(resolve, 50))
    await resolver.resolve('+5511900000001')
    assert.lengthOf(whatsapp.asked, 2)
  })
})

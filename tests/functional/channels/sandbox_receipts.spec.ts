import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import {
  numberInBucket,
  pairedSandbox,
  queueMessage,
  sandboxSendCount,
  startChannelsRole,
  waitForMessageStatus,
} from '#tests/helpers/channels'

test.group('Sandbox receipts', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('zero delays reach read', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const message = await queueMessage(instance, '+5511987650001')

    const read = await waitForMessageStatus(message, 'read')
    assert.equal(instance.accountName, instance.name)
    assert.isNotNull(read.sentAt)
    assert.isNotNull(read.deliveredAt)
    assert.isNotNull(read.readAt)
    assert.equal(await sandboxSendCount(instance.id, message.providerMessageId), 1)
  })

  test('delays of seconds pass through delivered', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, {
      sentDelayMs: 200,
      deliveredDelayMs: 1500,
      readDelayMs: 2500,
    })
    const message = await queueMessage(instance, '+5511987650002')

    const delivered = await waitForMessageStatus(message, 'delivered')
    assert.isNull(delivered.readAt)
    const read = await waitForMessageStatus(message, 'read')
    assert.isTrue(read.readAt! > read.deliveredAt!)
    assert.isTrue(read.deliveredAt! > read.sentAt!)
  })

  test('failures end failed', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { failurePercent: 100, deliveredDelayMs: 0 })
    const message = await queueMessage(instance, '+5511987650003')

    const failed = await waitForMessageStatus(message, 'failed')
    assert.equal(failed.failureCode, 'E_SANDBOX_DELIVERY_FAILED')
    assert.isNotNull(failed.sentAt)
    assert.isNull(failed.deliveredAt)
  })

  test('numbers not on WhatsApp fail at send', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { notOnWhatsAppPercent: 50 })
    const missing = await queueMessage(instance, numberInBucket(50, true))
    const present = await queueMessage(instance, numberInBucket(50, false))

    const failed = await waitForMessageStatus(missing, 'failed')
    assert.equal(failed.failureCode, 'E_NOT_ON_WHATSAPP')
    assert.isNull(failed.sentAt)
    assert.equal(await sandboxSendCount(instance.id, missing.providerMessageId), 0)
    await waitForMessageStatus(present, 'read')
  })
})

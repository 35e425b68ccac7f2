import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import emitter from '@adonisjs/core/services/emitter'
import Message from '#models/message'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import {
  applyReceipt,
  createOutboundMessage,
  storeInbound,
} from '#services/channels/message_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'

async function sandboxInstance(tenantId: number) {
  return runInTenant(tenantId, () =>
    ChannelInstance.create({ name: 'Receipts', channel: 'sandbox', status: 'open' })
  )
}

test.group('Message receipts', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('read, delivered, sent leaves read', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxInstance(tenant.id)
    const readAt = new Date()
    const message = await runInTenant(tenant.id, async () => {
      const created = await createOutboundMessage({
        instance,
        address: '+5511987650101',
        body: 'Hi',
      })
      const id = created.providerMessageId
      await applyReceipt(instance.id, { providerMessageId: id, status: 'read', at: readAt })
      await applyReceipt(instance.id, {
        providerMessageId: id,
        status: 'delivered',
        at: new Date(readAt.getTime() - 5000),
      })
      await applyReceipt(instance.id, {
        providerMessageId: id,
        status: 'sent',
        at: new Date(readAt.getTime() - 9000),
      })
      return Message.findOrFail(created.id)
    })

    assert.equal(message.status, 'read')
    assert.isNotNull(message.deliveredAt)
    assert.isNotNull(message.sentAt)
    assert.equal(message.deliveredAt!.toSeconds(), message.readAt!.toSeconds())
  })

  test('failed after delivered is ignored', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxInstance(tenant.id)
    const message = await runInTenant(tenant.id, async () => {
      const created = await createOutboundMessage({
        instance,
        address: '+5511987650102',
        body: 'Hi',
      })
      const id = created.providerMessageId
      await applyReceipt(instance.id, {
        providerMessageId: id,
        status: 'delivered',
        at: new Date(),
      })
      await applyReceipt(instance.id, {
        providerMessageId: id,
        status: 'failed',
        at: new Date(),
        code: 'E_X',
      })
      return Message.findOrFail(created.id)
    })

    assert.equal(message.status, 'delivered')
    assert.isNull(message.failureCode)
  })

  test('failed from queued keeps its code', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxInstance(tenant.id)
    const message = await runInTenant(tenant.id, async () => {
      const created = await createOutboundMessage({
        instance,
        address: '+5511987650103',
        body: 'Hi',
      })
      await applyReceipt(instance.id, {
        providerMessageId: created.providerMessageId,
        status: 'failed',
        at: new Date(),
        code: 'E_NOT_ON_WHATSAPP',
        reason: 'no account',
      })
      await applyReceipt(instance.id, {
        providerMessageId: created.providerMessageId,
        status: 'read',
        at: new Date(),
      })
      return Message.findOrFail(created.id)
    })

    assert.equal(message.status, 'failed')
    assert.equal(message.failureCode, 'E_NOT_ON_WHATSAPP')
    assert.isNull(message.readAt)
  })
})

test.group('Inbound messages', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('the same inbound twice is stored once', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxInstance(tenant.id)
    const received: number[] = []
    const listener = (event: { messageId: number }) => received.push(event.messageId)
    emitter.on('message:received', listener)
    cleanup(() => emitter.off('message:received', listener))

    const inbound = {
      providerMessageId: 'INBOUND-1',
      from: '+5511987650104',
      fromName: 'Ana',
      text: 'PARAR',
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    }
    const [first, second] = await runInTenant(tenant.id, async () => [
      await storeInbound(instance, inbound),
      await storeInbound(instance, inbound),
    ])
    const rows = await runInTenant(tenant.id, () =>
      Message.query().where('instance_id', instance.id).where('direction', 'in')
    )

    assert.isTrue(first.created)
    assert.isFalse(second.created)
    assert.lengthOf(rows, 1)
    assert.deepEqual(received, [first.message.id])
  })
})

import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import emitter from '@adonisjs/core/services/emitter'
import Message from '#models/message'
import ChannelInstance from '#models/channel_instance'
import type Contact from '#models/contact'
import { runInTenant } from '#tenancy/tenant_context'
import {
  applyReceipt,
  createOutboundMessage,
  markSent,
  storeInbound,
} from '#services/channels/message_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createContactIn } from '#tests/helpers/api'

async function sandboxInstance(tenantId: number) {
  return runInTenant(tenantId, () =>
    ChannelInstance.create({ name: 'Receipts', channel: 'sandbox', status: 'open' })
  )
}

/** Creates an outbound message to the contact, so its status changes emit events. */
function messageToContact(instance: ChannelInstance, contact: Contact) {
  return createOutboundMessage({
    instance,
    address: contact.phone,
    body: 'Hi',
    contactId: contact.id,
  })
}

/** Records the `message:sent`, `message:delivered` and `message:read` events until cleanup. */
function recordStatusEvents(cleanup: (handler: () => void) => void) {
  const emitted: { event: string; messageId: number; occurredAt: string }[] = []
  for (const event of ['message:sent', 'message:delivered', 'message:read'] as const) {
    const listener = (payload: { messageId: number; occurredAt: string }) =>
      emitted.push({ event, messageId: payload.messageId, occurredAt: payload.occurredAt })
    emitter.on(event, listener)
    cleanup(() => emitter.off(event, listener))
  }
  return emitted
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

  test('skipped steps emit their events once', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxInstance(tenant.id)
    const contact = await createContactIn(tenant.id)
    const emitted = recordStatusEvents(cleanup)
    const readAt = new Date('2026-03-02T10:00:05.000Z')

    const created = await runInTenant(tenant.id, async () => {
      const message = await messageToContact(instance, contact)
      const id = message.providerMessageId
      await applyReceipt(instance.id, { providerMessageId: id, status: 'read', at: readAt })
      await applyReceipt(instance.id, {
        providerMessageId: id,
        status: 'delivered',
        at: new Date(readAt.getTime() - 2000),
      })
      await markSent(message, { providerMessageId: id, sentAt: new Date(readAt.getTime() - 4000) })
      return message
    })
    const own = emitted.filter((event) => event.messageId === created.id)

    assert.deepEqual(
      own.map((event) => event.event),
      ['message:sent', 'message:delivered', 'message:read']
    )
    for (const event of own) {
      assert.equal(event.occurredAt, readAt.toISOString(), event.event)
    }
  })

  test('delivered before sent emits sent first', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxInstance(tenant.id)
    const contact = await createContactIn(tenant.id)
    const emitted = recordStatusEvents(cleanup)
    const deliveredAt = new Date('2026-03-02T10:00:05.000Z')
    const readAt = new Date('2026-03-02T10:00:09.000Z')

    const message = await runInTenant(tenant.id, async () => {
      const created = await messageToContact(instance, contact)
      const id = created.providerMessageId
      await applyReceipt(instance.id, {
        providerMessageId: id,
        status: 'delivered',
        at: deliveredAt,
      })
      await markSent(created, { providerMessageId: id, sentAt: new Date() })
      await applyReceipt(instance.id, { providerMessageId: id, status: 'read', at: readAt })
      return Message.findOrFail(created.id)
    })

    assert.deepEqual(
      emitted.filter((event) => event.messageId === message.id).map((event) => event.event),
      ['message:sent', 'message:delivered', 'message:read']
    )
    assert.equal(message.sentAt!.toISO(), message.deliveredAt!.toISO())
    assert.equal(message.readAt!.toUTC().toISO(), readAt.toISOString())
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

test.group('Message receipts at once', () => {
  test('two reads at once emit once', async ({ assert, cleanup }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxInstance(tenant.id)
    const contact = await createContactIn(tenant.id)
    const emitted = recordStatusEvents(cleanup)
    const at = new Date()

    const message = await runInTenant(tenant.id, async () => {
      const created = await messageToContact(instance, contact)
      const receipt = { providerMessageId: created.providerMessageId, status: 'read', at } as const
      await Promise.all([applyReceipt(instance.id, receipt), applyReceipt(instance.id, receipt)])
      return created
    })

    assert.deepEqual(
      emitted.filter((event) => event.messageId === message.id).map((event) => event.event),
      ['message:sent', 'message:delivered', 'message:read']
    )
  })
})

import { test } from '@japa/runner'
import emitter from '@adonisjs/core/services/emitter'
import db from '@adonisjs/lucid/services/db'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { createStepMessage, type StepMessageInput } from '#engine/step_messages'
import { applyReceipt, markSent } from '#services/channels/message_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { seedAudience } from '#tests/helpers/engine'

/** Creates a tenant with one closed sandbox instance and one contact. */
async function tenantWithContact() {
  const { tenant } = await createTenantWithOwner()
  const instance = await runInTenant(tenant.id, () =>
    ChannelInstance.create({ name: 'Batches', channel: 'sandbox', status: 'closed' })
  )
  const phone = '+5511987650101'
  const { contactIds } = await seedAudience(tenant.id, [{ phone }])
  return { tenant, instance, phone, contactId: contactIds[0] }
}

test.group('Engine send batches', () => {
  test('one step run twice stores one message', async ({ assert }) => {
    const { tenant, instance, phone, contactId } = await tenantWithContact()
    const input: StepMessageInput = {
      instance,
      address: phone,
      body: 'Olá',
      media: null,
      contactId,
      campaignId: 900001,
      journeyId: 900001,
      journeyStep: 2,
      nodeId: 'hello',
    }

    const [first, second] = await runInTenant(tenant.id, () =>
      Promise.all([createStepMessage(input), createStepMessage(input)])
    )
    assert.equal(first.message.id, second.message.id)
    assert.deepEqual([first.created, second.created].sort(), [false, true])
    const again = await runInTenant(tenant.id, () => createStepMessage(input))
    assert.equal(again.message.id, first.message.id)
    assert.isFalse(again.created)
    const next = await runInTenant(tenant.id, () => createStepMessage({ ...input, journeyStep: 3 }))
    assert.notEqual(next.message.id, first.message.id)
    assert.isTrue(next.created)

    const rows = await db.from('messages').where('journey_id', input.journeyId)
    assert.lengthOf(rows, 2)
    const conversations = await db.from('conversations').where('instance_id', instance.id)
    assert.lengthOf(conversations, 1)
    assert.equal(conversations[0].last_message_id, next.message.id)
  })

  test('step message links a stranger conversation', async ({ assert }) => {
    const { tenant, instance, phone, contactId } = await tenantWithContact()
    const [strangerId] = await db.table('conversations').insert({
      tenant_id: tenant.id,
      instance_id: instance.id,
      address: phone,
      contact_id: null,
      unread_count: 1,
      created_at: '2025-03-01 10:00:00',
      updated_at: '2025-03-01 10:00:00',
    })

    const stored = await runInTenant(tenant.id, () =>
      createStepMessage({
        instance,
        address: phone,
        body: 'Olá',
        media: null,
        contactId,
        campaignId: 900002,
        journeyId: 900002,
        journeyStep: 1,
        nodeId: 'hello',
      })
    )

    assert.equal(stored.message.conversationId, Number(strangerId))
    const conversation = await db.from('conversations').where('id', strangerId).first()
    assert.equal(Number(conversation.contact_id), contactId)
    assert.equal(Number(conversation.last_message_id), stored.message.id)
  })

  test('statuses of one batch apply in order', async ({ assert }) => {
    const { tenant, instance, phone, contactId } = await tenantWithContact()
    const { message } = await runInTenant(tenant.id, () =>
      createStepMessage({
        instance,
        address: phone,
        body: 'Olá',
        media: null,
        contactId,
        campaignId: 900002,
        journeyId: 900002,
        journeyStep: 2,
        nodeId: 'hello',
      })
    )
    const events: string[] = []
    const record = (name: string) => (event: { messageId: number }) => {
      if (event.messageId === message.id) events.push(name)
    }
    const listeners = (['message:sent', 'message:delivered', 'message:read'] as const).map(
      (name) => [name, record(name)] as const
    )
    for (const [name, listener] of listeners) emitter.on(name, listener)

    try {
      const at = new Date()
      await runInTenant(tenant.id, () =>
        Promise.all([
          applyReceipt(instance.id, {
            providerMessageId: message.providerMessageId,
            status: 'read',
            at,
          }),
          markSent(message, { providerMessageId: message.providerMessageId, sentAt: at }),
          applyReceipt(instance.id, {
            providerMessageId: message.providerMessageId,
            status: 'delivered',
            at,
          }),
        ])
      )
    } finally {
      for (const [name, listener] of listeners) emitter.off(name, listener)
    }

    const stored = await db.from('messages').where('id', message.id).firstOrFail()
    assert.equal(stored.status, 'read')
    assert.isNotNull(stored.sent_at)
    assert.isNotNull(stored.delivered_at)
    assert.isNotNull(stored.read_at)
    assert.deepEqual(events, ['message:sent', 'message:delivered', 'message:read'])
  })
})

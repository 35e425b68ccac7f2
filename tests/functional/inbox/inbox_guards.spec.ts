import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import ConversationNote from '#models/conversation_note'
import { runInTenant } from '#tenancy/tenant_context'
import { storeInbound } from '#services/channels/message_service'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { createContact } from '#tests/helpers/inbox'

/** A one-pixel PNG, so the upload is an image by its bytes and its name. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/ePmlJQAAAABJRU5ErkJggg==',
  'base64'
)

/** Creates a contact's conversation on an open sandbox instance, started by an inbound message. */
async function openConversation(tenantId: number) {
  const contact = await createContact(tenantId, 'Ana')
  return runInTenant(tenantId, async () => {
    const instance = await ChannelInstance.create({
      name: `Guards ${Date.now()}`,
      channel: 'sandbox',
      status: 'open',
    })
    const { message } = await storeInbound(instance, {
      providerMessageId: `guards-${Date.now()}-${Math.random()}`,
      from: contact.phone,
      fromName: 'Ana',
      text: 'Oi',
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    })
    return { instance, contact, conversationId: message.conversationId! }
  })
}

function outboundCount(instanceId: number) {
  return db
    .from('messages')
    .where('instance_id', instanceId)
    .where('direction', 'out')
    .count('* as total')
    .first()
    .then((row) => Number(row.total))
}

test.group('Inbox roles', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('viewer cannot assign, note or change consent', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const viewer = await addMember(tenant.id, 'viewer')
    const { contact, conversationId } = await openConversation(tenant.id)

    const attempts = [
      { method: 'put', url: `/inbox/${conversationId}/assignee`, body: { userId: owner.id } },
      { method: 'post', url: `/inbox/${conversationId}/notes`, body: { body: 'Ligar amanhã' } },
      { method: 'post', url: `/inbox/${conversationId}/opt-out`, body: {} },
      { method: 'post', url: `/inbox/${conversationId}/opt-in`, body: {} },
    ] as const
    for (const attempt of attempts) {
      const response = await client[attempt.method](attempt.url)
        .json(attempt.body)
        .accept('json')
        .loginAs(viewer.user)
        .withCsrfToken()
      assert.equal(response.status(), 403, `${attempt.url} answered ${response.status()}`)
    }

    await runInTenant(tenant.id, async () => {
      const conversation = await Conversation.findOrFail(conversationId)
      assert.isNull(conversation.assignedUserId)
      assert.lengthOf(await ConversationNote.all(), 0)
      const stored = await Contact.findOrFail(contact.id)
      assert.equal(stored.consent, 'opted_in')
    })
  })

  test('agent cannot change tenant settings', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const agent = await addMember(tenant.id, 'agent')

    const quietHours = await client
      .put('/settings/quiet-hours')
      .json({ enabled: true, days: [1, 2], start: '21:00', end: '08:00', basis: 'contact' })
      .accept('json')
      .loginAs(agent.user)
      .withCsrfToken()
    quietHours.assertStatus(403)
    await tenant.refresh()
    assert.isNull(tenant.quietHours)
  })

  test('assignee from another tenant is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const other = await createTenantWithOwner('Other')
    const { conversationId } = await openConversation(tenant.id)

    const response = await client
      .put(`/inbox/${conversationId}/assignee`)
      .json({ userId: other.owner.id })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().code, 'E_ASSIGNEE_INVALID')
    assert.include(response.body().message, String(other.owner.id))
  })
})

test.group('Inbox reply input', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('text over 4096 characters is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance, conversationId } = await openConversation(tenant.id)

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .json({ text: 'a'.repeat(4097) })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().errors[0].field, 'text')
    assert.equal(await outboundCount(instance.id), 0)
  })

  test('file of a wrong type is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance, conversationId } = await openConversation(tenant.id)

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .file('file', Buffer.from('<script>alert(1)</script>'), {
        filename: 'page.html',
        contentType: 'text/html',
      })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().code, 'E_MEDIA_INVALID')
    assert.include(response.body().message, 'page.html')
    assert.equal(response.body().values.type, 'text/html')
    assert.equal(await outboundCount(instance.id), 0)
  })

  test('image caption over 1024 characters is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance, conversationId } = await openConversation(tenant.id)

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .field('text', 'b'.repeat(1025))
      .file('file', PNG, { filename: 'dot.png', contentType: 'image/png' })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().code, 'E_CAPTION_TOO_LONG')
    assert.include(response.body().message, '1025')
    assert.deepEqual(response.body().values, { length: 1025, limit: 1024 })
    assert.equal(await outboundCount(instance.id), 0)
  })

  test('unknown template id is named', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance, conversationId } = await openConversation(tenant.id)

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .json({ templateId: 987654 })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().code, 'E_TEMPLATE_NOT_FOUND')
    assert.include(response.body().message, '987654')
    assert.equal(await outboundCount(instance.id), 0)
  })

  test('note over 4000 characters is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { conversationId } = await openConversation(tenant.id)

    const response = await client
      .post(`/inbox/${conversationId}/notes`)
      .json({ body: 'n'.repeat(4001) })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().errors[0].field, 'body')
    assert.lengthOf(await runInTenant(tenant.id, () => ConversationNote.all()), 0)
  })
})

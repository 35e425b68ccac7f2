import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Contact from '#models/contact'
import ContactTag from '#models/contact_tag'
import Conversation from '#models/conversation'
import ConversationNote from '#models/conversation_note'
import { runInTenant } from '#tenancy/tenant_context'
import { storeInbound } from '#services/channels/message_service'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { createContact, openConversation, uniqueMobile } from '#tests/helpers/inbox'

/** Creates a conversation with a contact, and one with a sender who is not a contact. */
async function conversations() {
  const { tenant, owner } = await createTenantWithOwner()
  const agent = await addMember(tenant.id, 'agent')
  const viewer = await addMember(tenant.id, 'viewer')
  const contact = await createContact(tenant.id, 'Nina Alves')
  const { instance, conversationId } = await openConversation(contact)
  return runInTenant(tenant.id, async () => {
    const { message } = await storeInbound(instance, {
      providerMessageId: `actions-${Date.now()}`,
      from: uniqueMobile(),
      fromName: 'Desconhecido',
      text: 'Oi',
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    })
    return {
      tenant,
      owner,
      agent,
      viewer,
      contact,
      withContact: conversationId,
      stranger: message.conversationId!,
    }
  })
}

test.group('Inbox actions', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('agent assigns and unassigns', async ({ client, assert }) => {
    const { tenant, agent, withContact } = await conversations()

    const assigned = await client
      .put(`/inbox/${withContact}/assignee`)
      .json({ userId: agent.user.id })
      .loginAs(agent.user)
      .withCsrfToken()
    assigned.assertStatus(200)
    const stored = await runInTenant(tenant.id, () => Conversation.findOrFail(withContact))
    assert.equal(stored.assignedUserId, agent.user.id)

    const cleared = await client
      .put(`/inbox/${withContact}/assignee`)
      .json({ userId: null })
      .loginAs(agent.user)
      .withCsrfToken()
    cleared.assertStatus(200)
    await stored.refresh()
    assert.isNull(stored.assignedUserId)
  })

  test('viewers and strangers cannot be assigned', async ({ client, assert }) => {
    const { owner, viewer, withContact } = await conversations()
    const other = await createTenantWithOwner('Other')

    for (const userId of [viewer.user.id, other.owner.id]) {
      const response = await client
        .put(`/inbox/${withContact}/assignee`)
        .json({ userId })
        .loginAs(owner)
        .withCsrfToken()
      response.assertStatus(422)
      assert.equal(response.body().code, 'E_ASSIGNEE_INVALID')
    }
  })

  test('notes are kept in order', async ({ client, assert }) => {
    const { tenant, agent, owner, withContact } = await conversations()

    for (const [user, body] of [
      [agent.user, 'Cliente pediu desconto'],
      [owner, 'Aprovado 10%'],
    ] as const) {
      const response = await client
        .post(`/inbox/${withContact}/notes`)
        .json({ body })
        .loginAs(user)
        .withCsrfToken()
      response.assertStatus(201)
    }

    const detail = await client.get(`/inbox/${withContact}`).loginAs(agent.user)
    assert.deepEqual(
      detail.body().notes.map((note: { body: string }) => note.body),
      ['Cliente pediu desconto', 'Aprovado 10%']
    )
    assert.equal(detail.body().notes[0].authorName, agent.user.fullName)
    const stored = await runInTenant(tenant.id, () =>
      ConversationNote.query().where('conversation_id', withContact)
    )
    assert.lengthOf(stored, 2)
  })

  test('viewer cannot leave notes', async ({ client, assert }) => {
    const { tenant, viewer, withContact } = await conversations()

    const response = await client
      .post(`/inbox/${withContact}/notes`)
      .json({ body: 'Oi' })
      .loginAs(viewer.user)
      .withCsrfToken()
      .accept('json')

    response.assertStatus(403)
    const stored = await runInTenant(tenant.id, () => ConversationNote.all())
    assert.lengthOf(stored, 0)
  })

  test('agent tags and untags the contact', async ({ client, assert }) => {
    const { tenant, agent, contact, withContact } = await conversations()

    const added = await client
      .post(`/inbox/${withContact}/tags`)
      .json({ name: 'lead quente, black friday' })
      .loginAs(agent.user)
      .withCsrfToken()
    added.assertStatus(200)
    assert.deepEqual(added.body().tags, ['black friday', 'lead quente'])

    const removed = await client
      .delete(`/inbox/${withContact}/tags/${encodeURIComponent('black friday')}`)
      .loginAs(agent.user)
      .withCsrfToken()
    removed.assertStatus(200)
    assert.deepEqual(removed.body().tags, ['lead quente'])
    const stored = await runInTenant(tenant.id, () =>
      ContactTag.query().where('contact_id', contact.id)
    )
    assert.deepEqual(
      stored.map((tag) => tag.name),
      ['lead quente']
    )
  })

  test('opt-out and opt-in need a contact', async ({ client, assert }) => {
    const { tenant, agent, contact, withContact, stranger } = await conversations()

    const out = await client
      .post(`/inbox/${withContact}/opt-out`)
      .loginAs(agent.user)
      .withCsrfToken()
    out.assertStatus(200)
    assert.equal(out.body().consent, 'opted_out')
    const optedOut = await runInTenant(tenant.id, () => Contact.findOrFail(contact.id))
    assert.equal(optedOut.consent, 'opted_out')
    assert.equal(optedOut.consentSource, 'operator')

    const back = await client
      .post(`/inbox/${withContact}/opt-in`)
      .loginAs(agent.user)
      .withCsrfToken()
    back.assertStatus(200)
    assert.equal(back.body().consent, 'opted_in')

    const unknown = await client
      .post(`/inbox/${stranger}/opt-out`)
      .loginAs(agent.user)
      .withCsrfToken()
    unknown.assertStatus(422)
    assert.equal(unknown.body().code, 'E_CONVERSATION_WITHOUT_CONTACT')
  })
})

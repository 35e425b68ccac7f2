import { test } from '@japa/runner'
import ChannelInstance from '#models/channel_instance'
import Conversation from '#models/conversation'
import ContactTag from '#models/contact_tag'
import { runInTenant } from '#tenancy/tenant_context'
import { createOutboundMessage, storeInbound } from '#services/channels/message_service'
import { listConversations, unreadCounts } from '#services/inbox/inbox_queries'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { createContact } from '#tests/helpers/inbox'

let sequence = 0

/** Stores an inbound message from `from` on the instance and returns its conversation id. */
async function receive(instance: ChannelInstance, from: string, text: string) {
  sequence += 1
  const { message } = await storeInbound(instance, {
    providerMessageId: `list-${Date.now()}-${sequence}`,
    from,
    fromName: null,
    text,
    media: null,
    receivedAt: new Date(),
    inReplyTo: null,
  })
  return message.conversationId!
}

/**
 * Creates a tenant with two instances and four conversations: Ana (unread,
 * tagged `vip`), Bruno (answered, assigned to the agent), Caio (opted out,
 * on the second instance) and an unknown sender.
 */
async function inboxFixture() {
  const { tenant } = await createTenantWithOwner()
  const agent = await addMember(tenant.id, 'agent')
  const ana = await createContact(tenant.id, 'Ana Souza', '+5511987650001')
  const bruno = await createContact(tenant.id, 'Bruno Lima', '+5511987650002')
  const caio = await createContact(tenant.id, 'Caio Prado', '+5511987650003')
  return runInTenant(tenant.id, async () => {
    const first = await ChannelInstance.create({
      name: 'Vendas',
      channel: 'sandbox',
      status: 'open',
    })
    const second = await ChannelInstance.create({
      name: 'Suporte',
      channel: 'sandbox',
      status: 'open',
    })
    await ContactTag.create({ contactId: ana.id, name: 'vip' })
    caio.merge({ consent: 'opted_out' })
    await caio.save()

    const anaId = await receive(first, ana.phone, 'Quero o catálogo de verão')
    const brunoId = await receive(first, bruno.phone, 'Qual o horário?')
    await createOutboundMessage({
      instance: first,
      address: bruno.phone,
      body: 'Das 9h às 18h',
      contactId: bruno.id,
    })
    await Conversation.query().where('id', brunoId).update({ assigned_user_id: agent.user.id })
    await Conversation.query().where('id', brunoId).update({ unread_count: 0 })
    const caioId = await receive(second, caio.phone, 'PARAR')
    const strangerId = await receive(second, '+5521999990000', 'Oi, quem fala?')
    return { tenant, agent, first, second, ids: { anaId, brunoId, caioId, strangerId } }
  })
}

function idsOf(page: { conversations: { id: number }[] }) {
  return page.conversations.map((row) => row.id).sort((a, b) => a - b)
}

// No global transaction: InnoDB adds rows to a FULLTEXT index only at commit, so the
// text search would not see them. Each test has a tenant of its own instead.
test.group('Inbox list', () => {
  test('filters narrow the list', async ({ assert }) => {
    const { tenant, agent, second, ids } = await inboxFixture()
    const list = (filters: Parameters<typeof listConversations>[0]) =>
      runInTenant(tenant.id, async () => idsOf(await listConversations(filters)))
    const sorted = (...values: number[]) => values.sort((a, b) => a - b)

    assert.deepEqual(await list({}), sorted(ids.anaId, ids.brunoId, ids.caioId, ids.strangerId))
    assert.deepEqual(await list({ unread: true }), sorted(ids.anaId, ids.caioId, ids.strangerId))
    assert.deepEqual(await list({ assignedTo: agent.user.id }), [ids.brunoId])
    assert.deepEqual(
      await list({ unassigned: true }),
      sorted(ids.anaId, ids.caioId, ids.strangerId)
    )
    assert.deepEqual(await list({ instanceId: second.id }), sorted(ids.caioId, ids.strangerId))
    assert.deepEqual(await list({ tag: 'vip' }), [ids.anaId])
    assert.deepEqual(await list({ optedOut: true }), [ids.caioId])
  })

  test('search matches name, phone and text', async ({ assert }) => {
    const { tenant, ids } = await inboxFixture()
    const search = (q: string) =>
      runInTenant(tenant.id, async () => idsOf(await listConversations({ q }, 'BR')))

    assert.deepEqual(await search('bruno'), [ids.brunoId])
    assert.deepEqual(await search('(11) 98765-0003'), [ids.caioId])
    assert.deepEqual(await search('catálogo'), [ids.anaId])
    assert.deepEqual(await search('18h'), [ids.brunoId])
    assert.deepEqual(await search('quem fala'), [ids.strangerId])
    assert.deepEqual(await search('100%'), [])
  })

  test('newest first with a cursor', async ({ assert }) => {
    const { tenant, ids } = await inboxFixture()
    await runInTenant(tenant.id, () =>
      Conversation.query().where('id', ids.anaId).update({ last_message_at: '2030-01-01 10:00:00' })
    )

    const page = await runInTenant(tenant.id, () => listConversations({}))
    assert.equal(page.conversations[0].id, ids.anaId)
    assert.isNull(page.next)
    const after = await runInTenant(tenant.id, () =>
      listConversations({ before: page.conversations[0].cursor })
    )
    assert.notInclude(idsOf(after), ids.anaId)
    assert.lengthOf(after.conversations, 3)
  })

  test('unread counts conversations and messages', async ({ assert }) => {
    const { tenant, agent, first, ids } = await inboxFixture()
    await runInTenant(tenant.id, () => receive(first, '+5511987650001', 'Alô?'))

    const counts = await runInTenant(tenant.id, () => unreadCounts())
    assert.equal(counts.conversations, 3)
    assert.equal(counts.messages, 4)
    const mine = await runInTenant(tenant.id, () => unreadCounts(agent.user.id))
    assert.equal(mine.conversations, 0)
    const ana = await runInTenant(tenant.id, () => Conversation.findOrFail(ids.anaId))
    assert.equal(ana.unreadCount, 2)
  })

  test('unread previews the contact reply', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const renata = await createContact(tenant.id, 'Renata Dias', '+5511987650009')
    const { conversationId, instance } = await runInTenant(tenant.id, async () => {
      const created = await ChannelInstance.create({
        name: 'Vendas',
        channel: 'sandbox',
        status: 'open',
      })
      const id = await receive(created, renata.phone, 'Quero saber   o preço')
      return { conversationId: id, instance: created }
    })
    await runInTenant(tenant.id, () =>
      createOutboundMessage({
        instance,
        address: renata.phone,
        body: 'Perfeito, Renata! Já te envio a tabela.',
        contactId: renata.id,
      })
    )

    const unread = await client.get('/inbox/conversations').loginAs(owner)
    unread.assertStatus(200)
    const row = unread.body().conversations.find((entry: any) => entry.id === conversationId)
    assert.equal(row.unreadCount, 1)
    assert.equal(row.previewDirection, 'in')
    assert.equal(row.preview, 'Quero saber o preço')
    assert.equal(row.lastDirection, 'out')

    const opened = await client.get(`/inbox/${conversationId}`).loginAs(owner)
    opened.assertStatus(200)
    assert.equal(opened.body().conversation.unreadCount, 0)
    assert.equal(opened.body().conversation.previewDirection, 'out')
    assert.equal(opened.body().conversation.preview, 'Perfeito, Renata! Já te envio a tabela.')
  })
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ChannelsRole } from '#processes/channels_role'
import Message from '#models/message'
import Conversation from '#models/conversation'
import ContactAddress from '#models/contact_address'
import Template from '#models/template'
import { runInTenant } from '#tenancy/tenant_context'
import {
  applyReceipt,
  createOutboundMessage,
  storeInbound,
} from '#services/channels/message_service'
import { deliveryCounts } from '#services/campaigns/campaign_messages'
import { listConversations } from '#services/inbox/inbox_queries'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import {
  pairedSandbox,
  sandboxSendCount,
  startChannelsRole,
  waitFor,
  waitForMessageStatus,
} from '#tests/helpers/channels'
import { createContact, loadConversation, simulateReply, uniqueMobile } from '#tests/helpers/inbox'
import { sandboxLid } from '../../../plugins/sandbox/sandbox_driver.js'
import { createWorker, getQueue } from '#queues/queue_factory'
import { CAMPAIGN_SEND_PRIORITY, outboundQueueName } from '#services/channels/outbound_queue'

test.group('Inbox conversations', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('inbound creates then extends one conversation', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContact(tenant.id, 'Ana Souza')

    const first = await simulateReply(instance, contact.phone, 'Oi, tudo bem?')
    const second = await simulateReply(instance, contact.phone, 'Quero saber o preço')

    assert.isNotNull(first.conversationId)
    assert.equal(second.conversationId, first.conversationId)
    assert.equal(first.contactId, contact.id)
    const conversation = await loadConversation(tenant.id, first.conversationId!)
    assert.equal(conversation.contactId, contact.id)
    assert.equal(conversation.address, contact.phone)
    assert.equal(conversation.unreadCount, 2)
    assert.equal(conversation.lastMessageId, second.id)
    assert.equal(conversation.lastPreview, 'Quero saber o preço')
    assert.equal(conversation.lastDirection, 'in')
  })

  test('campaign send and reply share it', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContact(tenant.id, 'Bruno Lima')
    const campaign = await createPublishedCampaign(tenant.id)

    const sent = await runInTenant(tenant.id, () =>
      createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Promoção de dezembro',
        contactId: contact.id,
        campaignId: campaign.id,
      })
    )
    const reply = await simulateReply(instance, contact.phone, 'Tenho interesse')

    assert.isNotNull(sent.conversationId)
    assert.equal(reply.conversationId, sent.conversationId)
    const byCampaign = await runInTenant(tenant.id, () =>
      listConversations({ campaignId: campaign.id })
    )
    assert.deepEqual(
      byCampaign.conversations.map((row: { id: number }) => row.id),
      [sent.conversationId]
    )
    assert.equal(byCampaign.conversations[0].lastPreview, 'Tenho interesse')
  })

  test('lid address joins the existing conversation', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContact(tenant.id, 'Carla Dias')
    const sent = await runInTenant(tenant.id, () =>
      createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Olá',
        contactId: contact.id,
      })
    )

    const withPhone = await simulateReply(instance, contact.phone, 'Oi', 'with_phone')
    const lidOnly = await simulateReply(instance, contact.phone, 'Ainda aí?', 'only')

    assert.equal(withPhone.address, sandboxLid(contact.phone))
    assert.equal(lidOnly.address, sandboxLid(contact.phone))
    assert.equal(withPhone.conversationId, sent.conversationId)
    assert.equal(lidOnly.conversationId, sent.conversationId)
    assert.equal(lidOnly.contactId, contact.id)
    const stored = await runInTenant(tenant.id, () =>
      ContactAddress.query().where('contact_id', contact.id)
    )
    assert.deepEqual(
      stored.map((row) => row.address),
      [sandboxLid(contact.phone)]
    )
    const conversations = await runInTenant(tenant.id, () =>
      Conversation.query().where('instance_id', instance.id)
    )
    assert.lengthOf(conversations, 1)
  })

  test('simulator replies from a lid address', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContact(tenant.id, 'Paula Reis')

    const response = await client
      .post(`/simulator/${instance.id}/reply`)
      .json({ contactId: contact.id, text: 'Oi pelo lid', lid: 'with_phone' })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(200)
    const stored = await waitFor(
      () =>
        runInTenant(tenant.id, () =>
          Message.query()
            .where('provider_message_id', String(response.body().providerMessageId))
            .first()
        ),
      'the simulated reply'
    )
    assert.equal(stored.address, sandboxLid(contact.phone))
    assert.equal(stored.contactId, contact.id)
  })

  test('lid address of a stranger stays apart', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    await createContact(tenant.id, 'Known')
    const stranger = uniqueMobile()

    const message = await simulateReply(instance, stranger, 'Quem é?', 'only')

    assert.isNull(message.contactId)
    const conversation = await loadConversation(tenant.id, message.conversationId!)
    assert.isNull(conversation.contactId)
    assert.equal(conversation.address, sandboxLid(stranger))
  })

  test('stranger lid then phone merge', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const stranger = uniqueMobile()

    const fromLid = await simulateReply(instance, stranger, 'Quem é?', 'only')
    const withPhone = await simulateReply(instance, stranger, 'Sou eu de novo', 'with_phone')

    assert.notEqual(withPhone.conversationId, fromLid.conversationId)
    const conversations = await runInTenant(tenant.id, () =>
      Conversation.query().where('instance_id', instance.id)
    )
    assert.lengthOf(conversations, 1)
    const [merged] = conversations
    assert.equal(merged.id, withPhone.conversationId)
    assert.equal(merged.address, stranger)
    assert.isNull(merged.contactId)
    assert.equal(merged.unreadCount, 2)
    assert.equal(merged.lastMessageId, withPhone.id)
    assert.equal(merged.lastPreview, 'Sou eu de novo')
    const messages = await runInTenant(tenant.id, () =>
      Message.query().where('conversation_id', merged.id).orderBy('id')
    )
    assert.deepEqual(
      messages.map((message) => message.body),
      ['Quem é?', 'Sou eu de novo']
    )
  })

  test('stranger phone then lid merge', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const agent = await addMember(tenant.id, 'agent')
    const instance = await pairedSandbox(tenant.id)
    const stranger = uniqueMobile()

    const fromPhone = await simulateReply(instance, stranger, 'Oi')
    const fromLid = await simulateReply(instance, stranger, 'Pelo outro', 'only')
    assert.notEqual(fromLid.conversationId, fromPhone.conversationId)
    const note = await client
      .post(`/inbox/${fromLid.conversationId}/notes`)
      .json({ body: 'Cliente novo' })
      .loginAs(agent.user)
      .withCsrfToken()
    note.assertStatus(201)
    const assigned = await client
      .put(`/inbox/${fromLid.conversationId}/assignee`)
      .json({ userId: agent.user.id })
      .loginAs(agent.user)
      .withCsrfToken()
    assigned.assertStatus(200)
    const both = await simulateReply(instance, stranger, 'Agora com os dois', 'with_phone')

    assert.equal(both.conversationId, fromPhone.conversationId)
    const merged = await loadConversation(tenant.id, fromPhone.conversationId!)
    assert.equal(merged.address, stranger)
    assert.equal(merged.unreadCount, 3)
    assert.equal(merged.assignedUserId, agent.user.id)
    assert.equal(merged.lastMessageId, both.id)
    assert.isNull(await runInTenant(tenant.id, () => Conversation.find(fromLid.conversationId!)))
    const messages = await runInTenant(tenant.id, () =>
      Message.query().where('conversation_id', merged.id).orderBy('id')
    )
    assert.deepEqual(
      messages.map((message) => message.id),
      [fromPhone.id, fromLid.id, both.id]
    )
    const detail = await client.get(`/inbox/${merged.id}`).loginAs(agent.user)
    detail.assertStatus(200)
    assert.deepEqual(
      detail.body().messages.map((message: { body: string }) => message.body),
      ['Oi', 'Pelo outro', 'Agora com os dois']
    )
    assert.deepEqual(
      detail.body().notes.map((entry: { body: string }) => entry.body),
      ['Cliente novo']
    )
  })

  test('contact absorbs its stranger lid conversation', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const phone = uniqueMobile()
    const early = await simulateReply(instance, phone, 'Antes do cadastro', 'only')
    const contact = await createContact(tenant.id, 'Elisa Prado', phone)

    const later = await simulateReply(instance, phone, 'Depois do cadastro', 'with_phone')

    assert.equal(later.contactId, contact.id)
    const merged = await loadConversation(tenant.id, later.conversationId!)
    assert.equal(merged.contactId, contact.id)
    assert.equal(merged.address, contact.phone)
    assert.isNull(await runInTenant(tenant.id, () => Conversation.find(early.conversationId!)))
    const moved = await runInTenant(tenant.id, () => Message.findOrFail(early.id))
    assert.equal(moved.conversationId, merged.id)
  })

  test('ninth digit variant joins the contact', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContact(tenant.id, 'Davi Rocha', '+5511987651234')
    const sent = await runInTenant(tenant.id, () =>
      createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Olá',
        contactId: contact.id,
      })
    )

    const reply = await simulateReply(instance, '+551187651234', 'Número antigo')

    assert.equal(reply.contactId, contact.id)
    assert.equal(reply.conversationId, sent.conversationId)
  })

  test('agent reply goes out with its ticks', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const agent = await addMember(tenant.id, 'agent')
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 100, readDelayMs: 100 })
    const contact = await createContact(tenant.id, 'Eva Prado')
    const inbound = await simulateReply(instance, contact.phone, 'Podem me ligar?')

    const response = await client
      .post(`/inbox/${inbound.conversationId}/messages`)
      .json({ text: 'Claro, em 5 minutos' })
      .loginAs(agent.user)
      .withCsrfToken()

    response.assertStatus(201)
    const queued = await runInTenant(tenant.id, () =>
      Message.findOrFail(response.body().message.id)
    )
    assert.equal(queued.conversationId, inbound.conversationId)
    assert.equal(queued.sentByUserId, agent.user.id)
    assert.equal(queued.address, contact.phone)
    const read = await waitForMessageStatus(queued, 'read')
    assert.isNotNull(read.sentAt)
    assert.isNotNull(read.deliveredAt)
    assert.equal(await sandboxSendCount(instance.id, read.providerMessageId), 1)
    const conversation = await loadConversation(tenant.id, inbound.conversationId!)
    assert.equal(conversation.lastMessageId, read.id)
    assert.equal(conversation.lastDirection, 'out')
  })

  test('opening clears unread for agents only', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const viewer = await addMember(tenant.id, 'viewer')
    const agent = await addMember(tenant.id, 'agent')
    const instance = await pairedSandbox(tenant.id)
    const contact = await createContact(tenant.id, 'Fábio Reis')
    const inbound = await simulateReply(instance, contact.phone, 'Bom dia')

    const asViewer = await client.get(`/inbox/${inbound.conversationId}`).loginAs(viewer.user)
    asViewer.assertStatus(200)
    assert.equal(asViewer.body().messages.at(-1).body, 'Bom dia')
    const afterViewer = await loadConversation(tenant.id, inbound.conversationId!)
    assert.equal(afterViewer.unreadCount, 1)

    const asAgent = await client.get(`/inbox/${inbound.conversationId}`).loginAs(agent.user)
    asAgent.assertStatus(200)
    const afterAgent = await loadConversation(tenant.id, inbound.conversationId!)
    assert.equal(afterAgent.unreadCount, 0)
  })
})

test.group('Inbox replies rejected', () => {
  test('closed instance rejects the reply', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance, conversationId } = await closedConversation(tenant.id)

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .json({ text: 'Olá?' })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(409)
    assert.equal(response.body().code, 'E_INSTANCE_NOT_CONNECTED')
    assert.include(response.body().message, instance.name)
    const outbound = await db
      .from('messages')
      .where('instance_id', instance.id)
      .where('direction', 'out')
    assert.lengthOf(outbound, 0)
  })

  test('viewer cannot reply', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const viewer = await addMember(tenant.id, 'viewer')
    const { instance, conversationId } = await closedConversation(tenant.id)

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .json({ text: 'Olá?' })
      .loginAs(viewer.user)
      .withCsrfToken()
      .accept('json')

    response.assertStatus(403)
    const outbound = await db
      .from('messages')
      .where('instance_id', instance.id)
      .where('direction', 'out')
    assert.lengthOf(outbound, 0)
  })

  test('empty reply is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { conversationId } = await closedConversation(tenant.id, 'open')

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .json({ text: '   ' })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().code, 'E_REPLY_EMPTY')
  })
})

test.group('Inbox reply content', () => {
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/ePmlJQAAAABJRU5ErkJggg==',
    'base64'
  )

  test('template is filled for the contact', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const contact = await createContact(tenant.id, 'Lia Castro')
    const { instance } = await closedConversation(tenant.id, 'open')
    const conversationId = await runInTenant(tenant.id, async () => {
      const sent = await createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Olá',
        contactId: contact.id,
      })
      return sent.conversationId!
    })
    const template = await runInTenant(tenant.id, () =>
      Template.create({
        name: `Retorno ${Date.now()}`,
        body: 'Oi {{first_name|cliente}}, tudo certo?',
      })
    )

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .json({ templateId: template.id })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(201)
    assert.equal(response.body().message.body, 'Oi Lia, tudo certo?')
    assert.equal(response.body().message.conversationId, conversationId)
  })

  test('uploaded file goes with its caption', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { conversationId } = await closedConversation(tenant.id, 'open')

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .field('text', 'Segue a foto')
      .file('file', png, { filename: 'foto.png', contentType: 'image/png' })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(201)
    const { message } = response.body()
    assert.equal(message.body, 'Segue a foto')
    assert.equal(message.media.mimeType, 'image/png')
    assert.equal(message.media.fileName, 'foto.png')
    const media = await client.get(`/inbox/messages/${message.id}/media`).loginAs(owner)
    media.assertStatus(200)
    assert.equal(media.header('content-type'), 'image/png')
  })

  test('file of another type is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { conversationId } = await closedConversation(tenant.id, 'open')

    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .file('file', Buffer.from('#!/bin/sh\necho hi\n'), {
        filename: 'run.sh',
        contentType: 'application/x-sh',
      })
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    assert.equal(response.body().code, 'E_MEDIA_INVALID')
    assert.equal(response.body().key, 'templates.errors.media_type')
  })
})

test.group('Inbox reply priority', () => {
  test('reply jumps waiting campaign sends', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createTenantWithOwner()
    // No channels process owns this instance, so its queue keeps every job until
    // the worker below starts.
    const { instance, conversationId } = await closedConversation(tenant.id, 'open')
    const queue = getQueue(outboundQueueName(instance.id))
    cleanup(() => queue.obliterate({ force: true }))

    const campaignJobs: string[] = []
    for (const name of ['Iara', 'Joana', 'Kleber']) {
      const recipient = await createContact(tenant.id, name)
      const message = await runInTenant(tenant.id, () =>
        createOutboundMessage({
          instance,
          address: recipient.phone,
          body: 'Oferta',
          contactId: recipient.id,
        })
      )
      const job = await queue.add(
        'send',
        { tenantId: tenant.id, messageId: message.id },
        { jobId: `message-${message.id}`, priority: CAMPAIGN_SEND_PRIORITY }
      )
      campaignJobs.push(job.id!)
    }
    const response = await client
      .post(`/inbox/${conversationId}/messages`)
      .json({ text: 'Estou aqui' })
      .loginAs(owner)
      .withCsrfToken()
    response.assertStatus(201)

    const order: string[] = []
    const worker = createWorker(queue.name, async (job) => {
      order.push(job.id!)
    })
    cleanup(() => worker.close())
    await waitFor(async () => order.length === 4, 'four jobs to run')
    assert.deepEqual(order, [`message-${response.body().message.id}`, ...campaignJobs])
  })
})

test.group('Inbox media', () => {
  test('inbound media is stored and served', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance } = await closedConversation(tenant.id)
    const bytes = Buffer.from('%PDF-1.4 orçamento')

    const { message } = await runInTenant(tenant.id, () =>
      storeInbound(instance, {
        providerMessageId: `media-${Date.now()}`,
        from: uniqueMobile(),
        fromName: null,
        text: 'Segue o pedido',
        media: { mimeType: 'application/pdf', fileName: 'pedido.pdf', download: async () => bytes },
        receivedAt: new Date(),
        inReplyTo: null,
      })
    )

    assert.match(message.media!.source, new RegExp(`^inbox/${tenant.id}/.+\\.pdf$`))
    assert.equal(message.media!.fileName, 'pedido.pdf')
    const response = await client.get(`/inbox/messages/${message.id}/media`).loginAs(owner)
    response.assertStatus(200)
    assert.equal(response.header('content-type'), 'application/pdf')
    assert.include(response.header('content-disposition'), 'pedido.pdf')
  })

  test('failed download keeps the message', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { instance } = await closedConversation(tenant.id)

    const { message } = await runInTenant(tenant.id, () =>
      storeInbound(instance, {
        providerMessageId: `media-${Date.now()}`,
        from: uniqueMobile(),
        fromName: null,
        text: null,
        media: {
          mimeType: 'image/jpeg',
          fileName: null,
          download: async () => {
            throw new Error('media expired at the provider')
          },
        },
        receivedAt: new Date(),
        inReplyTo: null,
      })
    )

    assert.equal(message.media!.source, '')
    assert.equal(message.media!.mimeType, 'image/jpeg')
    const response = await client
      .get(`/inbox/messages/${message.id}/media`)
      .loginAs(owner)
      .accept('json')
    response.assertStatus(404)
    assert.equal(response.body().code, 'E_MEDIA_NOT_STORED')
  })
})

test.group('Message statuses', () => {
  test('read, delivered, sent leave it read', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const campaign = await createPublishedCampaign(tenant.id)
    const { instance } = await closedConversation(tenant.id)
    const contact = await createContact(tenant.id, 'Gil Neves')
    const message = await runInTenant(tenant.id, () =>
      createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Oferta',
        contactId: contact.id,
        campaignId: campaign.id,
      })
    )
    const base = Date.now()

    for (const [status, offset] of [
      ['read', 3000],
      ['delivered', 2000],
      ['sent', 1000],
    ] as const) {
      await runInTenant(tenant.id, () =>
        applyReceipt(instance.id, {
          providerMessageId: message.providerMessageId,
          status,
          at: new Date(base + offset),
        })
      )
    }

    const stored = await runInTenant(tenant.id, () => Message.findOrFail(message.id))
    assert.equal(stored.status, 'read')
    assert.isNotNull(stored.readAt)
    assert.isNotNull(stored.deliveredAt)
    assert.isNotNull(stored.sentAt)
    const counts = await runInTenant(tenant.id, () => deliveryCounts(campaign.id))
    assert.equal(counts.total, 1)
    assert.equal(counts.sent, 1)
    assert.equal(counts.delivered, 1)
    assert.equal(counts.read, 1)
    assert.equal(counts.failed, 0)
  })
})

/** Creates a conversation with one inbound message on a sandbox instance that is not running. */
async function closedConversation(tenantId: number, status: 'closed' | 'open' = 'closed') {
  const { default: ChannelInstance } = await import('#models/channel_instance')
  return runInTenant(tenantId, async () => {
    const instance = await ChannelInstance.create({
      name: `Closed ${Date.now()}`,
      channel: 'sandbox',
      status,
    })
    const { message } = await storeInbound(instance, {
      providerMessageId: `in-${Date.now()}-${Math.random()}`,
      from: uniqueMobile(),
      fromName: 'Stranger',
      text: 'Alguém aí?',
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    })
    return { instance, conversationId: message.conversationId! }
  })
}

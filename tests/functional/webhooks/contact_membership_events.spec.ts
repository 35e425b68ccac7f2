import { test } from '@japa/runner'
import type { Job } from 'bullmq'
import db from '@adonisjs/lucid/services/db'
import type { DomainEventName } from '#sdk'
import ContactList from '#models/contact_list'
import type Tenant from '#models/tenant'
import { runInTenant } from '#tenancy/tenant_context'
import { addToLists } from '#services/contacts/contact_service'
import { addTags } from '#services/contacts/contact_tags'
import { insertRows } from '#services/contacts/bulk_writes'
import { sqlTime } from '#services/channels/sql_time'
import { createWorker } from '#queues/queue_factory'
import {
  CONTACT_EVENTS_QUEUE,
  listChangeEventsJob,
  type ListChangeEventsData,
} from '#jobs/list_change_events_job'
import { addMember } from '#tests/helpers/accounts'
import { apiRequest, createTokenFor } from '#tests/helpers/api'
import { createAudienceTenant } from '#tests/helpers/audience'
import { createContact, openConversation, uniqueMobile } from '#tests/helpers/inbox'
import {
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
  type Receiver,
} from '#tests/helpers/webhooks'
import WebhookDelivery from '../../../plugins/webhooks/models/webhook_delivery.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'

const original = { ...webhooksConfig }

/** Starts a receiver and subscribes a new endpoint of the tenant to `contact:updated` on it. */
async function receiverFor(tenantId: number, cleanup: any) {
  const receiver = await startReceiver([200])
  cleanup(() => receiver.close())
  const endpoint = await createEndpoint(tenantId, receiver.url)
  endpoint.events = ['contact:updated'] satisfies DomainEventName[]
  await endpoint.save()
  return receiver
}

function updatesOf(receiver: Receiver) {
  return receiver.requests
    .map((request) => JSON.parse(request.body.toString('utf8')))
    .filter((body) => body.event === 'contact:updated')
    .map((body) => body.data)
}

/** Waits until the receiver got `count` `contact:updated` deliveries and returns their data. */
async function received(receiver: Receiver, count: number, limitMs?: number) {
  const description = `${count} contact:updated deliveries`
  await waitFor(() => updatesOf(receiver).length >= count, description, limitMs)
  return updatesOf(receiver)
}

/** Parsed `data` of the tenant's stored `contact:updated` deliveries. */
async function storedUpdates(tenantId: number) {
  const deliveries = await WebhookDelivery.query()
    .where('tenant_id', tenantId)
    .where('event', 'contact:updated')
  return deliveries.map((delivery) => JSON.parse(delivery.body).data)
}

/** Payload of a `contact:updated` that only changed the contact's static lists. */
function listChange(contactId: number, lists: { joined: number[]; left: number[] }) {
  return {
    contactId,
    changedFields: ['lists'],
    changes: { attributes: {}, fields: {}, tags: { added: [], removed: [] }, lists },
  }
}

function summary(data: any) {
  return { contactId: data.contactId, changedFields: data.changedFields, changes: data.changes }
}

function byContact(items: any[]) {
  return [...items].sort((a, b) => a.contactId - b.contactId)
}

/** Creates a list of the tenant with `memberIds` as members. */
async function listWith(tenant: Tenant, memberIds: number[]) {
  return runInTenant(tenant.id, async () => {
    const list = await ContactList.create({ name: `List ${Date.now()}-${Math.random()}` })
    await addToLists(memberIds, [list.id])
    return list
  })
}

test.group('Webhook contact tag and list events', (group) => {
  group.setup(async () => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true, backoffMs: 20 })
    const stopWebhooks = await startWebhookWorker()
    const events = createWorker(CONTACT_EVENTS_QUEUE, (job: Job<ListChangeEventsData>) =>
      listChangeEventsJob.handle(job)
    )
    await events.waitUntilReady()
    return async () => {
      await events.close()
      await stopWebhooks()
      Object.assign(webhooksConfig, original)
    }
  })

  test('inbox tag changes send manual updates', async ({ client, assert, cleanup }) => {
    const { tenant } = await createAudienceTenant()
    const agent = await addMember(tenant.id, 'agent')
    const contact = await createContact(tenant.id, 'Nina Alves')
    const { conversationId } = await openConversation(contact)
    await runInTenant(tenant.id, () => addTags([contact.id], ['VIP']))
    const receiver = await receiverFor(tenant.id, cleanup)

    const added = await client
      .post(`/inbox/${conversationId}/tags`)
      .json({ name: 'vip, lead quente' })
      .loginAs(agent.user)
      .withCsrfToken()
    added.assertStatus(200)
    assert.sameMembers(added.body().tags, ['VIP', 'lead quente'])
    const [first] = await received(receiver, 1)
    assert.deepEqual(first, {
      tenantId: tenant.id,
      occurredAt: first.occurredAt,
      contactId: contact.id,
      source: 'manual',
      userId: agent.user.id,
      campaignId: null,
      journeyId: null,
      changedFields: ['tags'],
      changes: {
        attributes: {},
        fields: {},
        tags: { added: ['lead quente'], removed: [] },
        lists: { joined: [], left: [] },
      },
    })

    const again = await client
      .post(`/inbox/${conversationId}/tags`)
      .json({ name: 'Lead Quente' })
      .loginAs(agent.user)
      .withCsrfToken()
    again.assertStatus(200)
    assert.sameMembers(again.body().tags, ['VIP', 'lead quente'])

    const removed = await client
      .delete(`/inbox/${conversationId}/tags/vip`)
      .loginAs(agent.user)
      .withCsrfToken()
    removed.assertStatus(200)
    assert.deepEqual(removed.body().tags, ['lead quente'])
    const bodies = await received(receiver, 2)
    assert.lengthOf(bodies, 2, 'adding a tag the contact has sent an event')
    assert.equal(bodies[1].userId, agent.user.id)
    assert.deepEqual(bodies[1].changes.tags, { added: [], removed: ['VIP'] })

    const missing = await client
      .delete(`/inbox/${conversationId}/tags/customer`)
      .loginAs(agent.user)
      .withCsrfToken()
    missing.assertStatus(200)
    assert.lengthOf(await storedUpdates(tenant.id), 2, 'removing a missing tag sent an event')
  }).timeout(30_000)

  test('list page changes send one update per member', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createAudienceTenant()
    const ana = await createContact(tenant.id, 'Ana')
    const bia = await createContact(tenant.id, 'Bia')
    const caio = await createContact(tenant.id, 'Caio')
    const list = await listWith(tenant, [ana.id])
    const receiver = await receiverFor(tenant.id, cleanup)

    const added = await client
      .post(`/lists/${list.id}/contacts`)
      .header('accept', 'application/json')
      .json({ contactIds: [ana.id, bia.id], phones: [caio.phone, '+5511900000000'] })
      .loginAs(owner)
      .withCsrfToken()
    added.assertStatus(200)
    assert.deepEqual(added.body(), { added: 3, invalid: [], notFound: ['+5511900000000'] })
    const joined = await received(receiver, 2)
    assert.deepEqual(byContact(joined.map(summary)), [
      listChange(bia.id, { joined: [list.id], left: [] }),
      listChange(caio.id, { joined: [list.id], left: [] }),
    ])
    for (const data of joined) {
      assert.equal(data.source, 'manual')
      assert.equal(data.userId, owner.id)
    }

    const removed = await client
      .delete(`/lists/${list.id}/contacts`)
      .header('accept', 'application/json')
      .json({ contactIds: [ana.id, 999_999_999] })
      .loginAs(owner)
      .withCsrfToken()
    removed.assertStatus(200)
    assert.deepEqual(removed.body(), { removed: 1 })
    const all = await received(receiver, 3)
    assert.deepEqual(summary(all[2]), listChange(ana.id, { joined: [], left: [list.id] }))
    assert.equal(all[2].userId, owner.id)

    const deleted = await client.delete(`/lists/${list.id}`).loginAs(owner).withCsrfToken()
    assert.oneOf(deleted.status(), [200, 302])
    const afterDelete = await received(receiver, 5)
    assert.deepEqual(byContact(afterDelete.slice(3).map(summary)), [
      listChange(bia.id, { joined: [], left: [list.id] }),
      listChange(caio.id, { joined: [], left: [list.id] }),
    ])
    assert.lengthOf(await storedUpdates(tenant.id), 5)
  }).timeout(30_000)

  test('list api changes send api updates', async ({ client, assert, cleanup }) => {
    const { tenant } = await createAudienceTenant()
    const ana = await createContact(tenant.id, 'Ana')
    const bia = await createContact(tenant.id, 'Bia')
    const list = await listWith(tenant, [ana.id])
    const receiver = await receiverFor(tenant.id, cleanup)
    const { plain: token } = await createTokenFor(tenant.id, 'write')

    const added = await apiRequest(client, 'POST', `/api/v1/lists/${list.id}/contacts`, token, {
      contactIds: [ana.id, bia.id],
    })
    added.assertStatus(200)
    assert.deepEqual(added.body().data, { added: 2, invalid: [], notFound: [] })
    const [joined] = await received(receiver, 1)
    assert.deepEqual(summary(joined), listChange(bia.id, { joined: [list.id], left: [] }))
    assert.equal(joined.source, 'api')
    assert.isNull(joined.userId)

    const removed = await apiRequest(client, 'DELETE', `/api/v1/lists/${list.id}/contacts`, token, {
      contactIds: [ana.id],
    })
    removed.assertStatus(200)
    assert.deepEqual(removed.body().data, { removed: 1 })
    const deleted = await apiRequest(client, 'DELETE', `/api/v1/lists/${list.id}`, token)
    deleted.assertStatus(204)

    const all = await received(receiver, 3)
    assert.deepEqual(summary(all[1]), listChange(ana.id, { joined: [], left: [list.id] }))
    assert.deepEqual(summary(all[2]), listChange(bia.id, { joined: [], left: [list.id] }))
    assert.deepEqual(
      all.map((data) => data.source),
      ['api', 'api', 'api']
    )
    assert.lengthOf(await storedUpdates(tenant.id), 3)
  }).timeout(30_000)

  test('bulk list add sends each new member once', async ({ client, assert, cleanup }) => {
    const { tenant } = await createAudienceTenant()
    // More contacts than one batch of events, which is 500.
    const count = 1_500
    const now = sqlTime()
    const phones = Array.from({ length: count }, () => uniqueMobile())
    await insertRows(
      db.connection(),
      'contacts',
      ['tenant_id', 'name', 'phone', 'timezone', 'consent', 'created_at', 'updated_at'],
      phones.map((phone, index) => [
        tenant.id,
        `Bulk ${index}`,
        phone,
        'America/Sao_Paulo',
        'unknown',
        now,
        now,
      ])
    )
    const rows = await db.from('contacts').where('tenant_id', tenant.id).select('id', 'phone')
    const ids = rows.map((row) => Number(row.id))
    const members = ids.slice(0, 300)
    const list = await listWith(tenant, members)
    const receiver = await receiverFor(tenant.id, cleanup)
    const { plain: token } = await createTokenFor(tenant.id, 'write')

    const added = await apiRequest(client, 'POST', `/api/v1/lists/${list.id}/contacts`, token, {
      phones,
    })
    added.assertStatus(200)
    assert.equal(added.body().data.added, count)

    // More than the request emits itself: background jobs emit the events.
    await waitFor(
      async () => {
        const updates = await storedUpdates(tenant.id)
        return updates.length >= count - 300
      },
      'the events of the background jobs',
      60_000
    )
    const stored = await storedUpdates(tenant.id)
    const contactIds = stored.map((data) => data.contactId).sort((a, b) => a - b)
    const expected = ids.slice(300).sort((a, b) => a - b)
    assert.deepEqual(contactIds, expected, 'events differ from the contacts that joined')
    assert.isTrue(
      stored.every((data) => data.changes.lists.joined[0] === list.id),
      'an event names another list'
    )
    const delivered = await received(receiver, expected.length, 90_000)
    assert.lengthOf(delivered, expected.length)
  }).timeout(120_000)
})

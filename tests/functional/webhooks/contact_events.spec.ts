import { test } from '@japa/runner'
import type { DomainEventName } from '#sdk'
import testUtils from '@adonisjs/core/services/test_utils'
import ContactImport from '#models/contact_import'
import ContactList from '#models/contact_list'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { handleInboundForOptOut } from '#services/contacts/opt_out'
import { emitImportFinished } from '#services/imports/import_service'
import { createAudienceTenant } from '#tests/helpers/audience'
import { apiRequest, createTokenFor } from '#tests/helpers/api'
import { createEndpoint } from '#tests/helpers/webhooks'
import WebhookDelivery from '../../../plugins/webhooks/models/webhook_delivery.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'

const original = { ...webhooksConfig }
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const CONTACT_EVENTS: DomainEventName[] = [
  'contact:created',
  'contact:updated',
  'contact:opted_out',
  'contact:opted_in',
  'contact:deleted',
]

/** Stores an endpoint of the tenant that subscribed to `events`. */
async function subscribe(tenantId: number, events: DomainEventName[]) {
  const endpoint = await createEndpoint(tenantId, 'http://127.0.0.1:9/hooks')
  endpoint.events = events
  return endpoint.save()
}

/** Parsed bodies of the tenant's deliveries, in the order of `events`. */
async function deliveredBodies(tenantId: number, events: DomainEventName[] = CONTACT_EVENTS) {
  const deliveries = await WebhookDelivery.query().where('tenant_id', tenantId)
  const bodies = deliveries.map((delivery) => JSON.parse(delivery.body))
  return bodies.sort((a, b) => events.indexOf(a.event) - events.indexOf(b.event))
}

/** Checks the envelope every delivery shares and returns its `data`. */
function dataOf(assert: any, body: any, event: string, tenantId: number) {
  assert.equal(body.event, event)
  assert.equal(body.tenantId, tenantId)
  assert.match(body.occurredAt, ISO_UTC)
  assert.equal(body.data.tenantId, tenantId)
  assert.equal(body.data.occurredAt, body.occurredAt)
  return body.data
}

test.group('Webhook contact and import events', (group) => {
  group.each.setup(() => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true })
    return testUtils.db().wrapInGlobalTransaction()
  })
  group.each.teardown(() => {
    Object.assign(webhooksConfig, original)
  })

  test('contact form sends created and updated', async ({ client, assert }) => {
    const { tenant, owner: user } = await createAudienceTenant()
    await subscribe(tenant.id, CONTACT_EVENTS)

    const created = await client
      .post('/contacts')
      .json({ name: 'Rita', phone: '+5511912340001', tags: 'vip' })
      .loginAs(user)
      .withCsrfToken()
    assert.oneOf(created.status(), [200, 302])
    const [createdBody] = await deliveredBodies(tenant.id)
    const contactId = createdBody.data.contactId
    const updated = await client
      .put(`/contacts/${contactId}`)
      .json({ name: 'Rita Souza', phone: '+5511912340001', tags: 'vip, newsletter' })
      .loginAs(user)
      .withCsrfToken()
    assert.oneOf(updated.status(), [200, 302])

    const [first, second] = await deliveredBodies(tenant.id)
    const createdData = dataOf(assert, first, 'contact:created', tenant.id)
    assert.equal(createdData.source, 'manual')
    const updatedData = dataOf(assert, second, 'contact:updated', tenant.id)
    assert.equal(updatedData.contactId, contactId)
    assert.deepEqual(updatedData.changedFields, ['name', 'tags'])
  })

  test('unchanged save sends no update', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      const contact = await saveContact(tenant, { name: 'Rui', phone: '+5511912340002' })
      await subscribe(tenant.id, CONTACT_EVENTS)
      await saveContact(tenant, { name: 'Rui', phone: '+5511912340002' }, contact)
    })

    assert.deepEqual(await deliveredBodies(tenant.id), [])
  })

  test('api sends api source and reason', async ({ client, assert }) => {
    const { tenant } = await createAudienceTenant()
    await subscribe(tenant.id, CONTACT_EVENTS)
    const { plain: token } = await createTokenFor(tenant.id, 'write')

    const response = await apiRequest(client, 'POST', '/api/v1/contacts', token, {
      name: 'Ana',
      phone: '+5511912340003',
    })
    response.assertStatus(201)
    const contactId = response.body().data.id
    const optedOut = await apiRequest(
      client,
      'POST',
      `/api/v1/contacts/${contactId}/opt-out`,
      token
    )
    optedOut.assertStatus(200)

    const [first, second] = await deliveredBodies(tenant.id)
    assert.equal(dataOf(assert, first, 'contact:created', tenant.id).source, 'api')
    const optOut = dataOf(assert, second, 'contact:opted_out', tenant.id)
    assert.equal(optOut.contactId, contactId)
    assert.equal(optOut.reason, 'api')
    assert.isNull(optOut.keyword)
    assert.isNull(optOut.userId)
  })

  test('operator opt-out names the member', async ({ client, assert }) => {
    const { tenant, owner: user } = await createAudienceTenant()
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Bia', phone: '+5511912340004' })
    )
    await subscribe(tenant.id, CONTACT_EVENTS)

    const response = await client
      .post(`/contacts/${contact.id}/opt-out`)
      .loginAs(user)
      .withCsrfToken()
    assert.oneOf(response.status(), [200, 302])

    const [body] = await deliveredBodies(tenant.id)
    const data = dataOf(assert, body, 'contact:opted_out', tenant.id)
    assert.equal(data.reason, 'operator')
    assert.equal(data.userId, user.id)
    assert.isNull(data.keyword)
  })

  test('opt-in and deletion name the member', async ({ client, assert }) => {
    const { tenant, owner: user } = await createAudienceTenant()
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Caio', phone: '+5511912340006' })
    )
    await subscribe(tenant.id, CONTACT_EVENTS)

    for (const path of ['opt-out', 'opt-in']) {
      const response = await client
        .post(`/contacts/${contact.id}/${path}`)
        .loginAs(user)
        .withCsrfToken()
      assert.oneOf(response.status(), [200, 302])
    }
    const removed = await client.delete(`/contacts/${contact.id}`).loginAs(user).withCsrfToken()
    assert.oneOf(removed.status(), [200, 302])

    const [, optedIn, deleted] = await deliveredBodies(tenant.id)
    assert.deepInclude(dataOf(assert, optedIn, 'contact:opted_in', tenant.id), {
      contactId: contact.id,
      reason: 'operator',
      userId: user.id,
    })
    assert.deepInclude(dataOf(assert, deleted, 'contact:deleted', tenant.id), {
      contactId: contact.id,
      source: 'manual',
      userId: user.id,
    })
  })

  test('api opt-in and deletion say api', async ({ client, assert }) => {
    const { tenant } = await createAudienceTenant()
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Duda', phone: '+5511912340007' })
    )
    await subscribe(tenant.id, ['contact:opted_in', 'contact:deleted'])
    const { plain: token } = await createTokenFor(tenant.id, 'write')

    const optedIn = await apiRequest(client, 'POST', `/api/v1/contacts/${contact.id}/opt-in`, token)
    optedIn.assertStatus(200)
    const removed = await apiRequest(client, 'DELETE', `/api/v1/contacts/${contact.id}`, token)
    removed.assertStatus(204)

    const [first, second] = await deliveredBodies(tenant.id)
    assert.deepInclude(dataOf(assert, first, 'contact:opted_in', tenant.id), {
      reason: 'api',
      userId: null,
    })
    assert.deepInclude(dataOf(assert, second, 'contact:deleted', tenant.id), {
      source: 'api',
      userId: null,
    })
  })

  test('keyword opt-out names the keyword', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await saveContact(tenant, { name: 'Caio', phone: '+5511912340005' })
      await subscribe(tenant.id, CONTACT_EVENTS)
      await handleInboundForOptOut('+5511912340005', ' Parar! ', 'BR')
    })

    const [body] = await deliveredBodies(tenant.id)
    const data = dataOf(assert, body, 'contact:opted_out', tenant.id)
    assert.equal(data.reason, 'keyword')
    assert.equal(data.keyword.toLowerCase(), 'parar')
    assert.isNull(data.userId)
  })

  test('import finished carries counts and lists', async ({ assert }) => {
    const { tenant, owner: user } = await createAudienceTenant()
    await subscribe(tenant.id, ['import:finished'])
    await runInTenant(tenant.id, async () => {
      const list = await ContactList.create({ name: 'Leads' })
      const contactImport = await ContactImport.create({
        userId: user.id,
        fileName: 'leads.csv',
        fileKey: 'imports/leads.csv',
        fileSize: 120,
        encoding: 'utf-8',
        delimiter: ',',
        options: { duplicates: 'skip', tags: [], listIds: [list.id] },
        status: 'finished',
        processedRows: 11,
        createdCount: 3,
        updatedCount: 1,
        keptCount: 4,
        duplicateCount: 2,
        rejectedCount: 1,
        warnedCount: 1,
      })
      await emitImportFinished(contactImport)

      const [body] = await deliveredBodies(tenant.id, ['import:finished'])
      const data = dataOf(assert, body, 'import:finished', tenant.id)
      assert.deepEqual(data, {
        tenantId: tenant.id,
        occurredAt: body.occurredAt,
        importId: contactImport.id,
        userId: user.id,
        status: 'finished',
        listIds: [list.id],
        created: 3,
        updated: 1,
        kept: 4,
        skipped: 2,
        failed: 1,
        warned: 1,
      })
    })
  })
})

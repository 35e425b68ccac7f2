import { mkdir, writeFile } from 'node:fs/promises'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import type { DomainEventName } from '#sdk'
import CustomField from '#models/custom_field'
import type Tenant from '#models/tenant'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { apiRequest, createTokenFor } from '#tests/helpers/api'
import {
  createAudienceTenant,
  importThroughPages,
  startImportWorker,
} from '#tests/helpers/audience'
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
const CONTACT_EVENTS: DomainEventName[] = ['contact:created', 'contact:updated']

/** Starts a receiver and subscribes a new endpoint of the tenant to `events` on it. */
async function receiverFor(tenantId: number, events: DomainEventName[], cleanup: any) {
  const receiver = await startReceiver([200])
  cleanup(() => receiver.close())
  const endpoint = await createEndpoint(tenantId, receiver.url)
  endpoint.events = events
  await endpoint.save()
  return receiver
}

function bodiesOf(receiver: Receiver, event: DomainEventName) {
  return receiver.requests
    .map((request) => JSON.parse(request.body.toString('utf8')))
    .filter((body) => body.event === event)
}

/** Waits until the receiver got `count` deliveries of `event` and returns their bodies. */
async function received(receiver: Receiver, event: DomainEventName, count = 1) {
  await waitFor(() => bodiesOf(receiver, event).length >= count, `${count} ${event} deliveries`)
  return bodiesOf(receiver, event)
}

function createPlanField(tenant: Tenant) {
  return runInTenant(tenant.id, () =>
    CustomField.create({ key: 'plan', label: 'Plan', type: 'text' })
  )
}

async function writeCsv(content: string) {
  const dir = app.makePath('tmp/contacts-tests')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${Date.now()}-contact-updates.csv`
  await writeFile(path, content)
  return path
}

test.group('Webhook contact updates', (group) => {
  group.setup(async () => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true, backoffMs: 20 })
    const stopWebhooks = await startWebhookWorker()
    const stopImports = await startImportWorker()
    return async () => {
      await stopImports()
      await stopWebhooks()
      Object.assign(webhooksConfig, original)
    }
  })

  test('page edit sends old and new values', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createAudienceTenant()
    await createPlanField(tenant)
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, {
        name: 'Rita',
        phone: '+5511912345001',
        city: 'Recife',
        tags: ['vip', 'lead'],
        fields: { plan: 'Silver' },
      })
    )
    const receiver = await receiverFor(tenant.id, CONTACT_EVENTS, cleanup)

    const response = await client
      .put(`/contacts/${contact.id}`)
      .json({
        name: 'Rita Souza',
        phone: '+5511912345001',
        city: 'Recife',
        tags: 'vip, customer',
        fields: { plan: 'Gold' },
      })
      .loginAs(owner)
      .withCsrfToken()
    assert.oneOf(response.status(), [200, 302])

    const [body] = await received(receiver, 'contact:updated')
    assert.equal(body.tenantId, tenant.id)
    assert.deepEqual(body.data, {
      tenantId: tenant.id,
      occurredAt: body.occurredAt,
      contactId: contact.id,
      source: 'manual',
      userId: owner.id,
      campaignId: null,
      journeyId: null,
      changedFields: ['name', 'fields.plan', 'tags'],
      changes: {
        attributes: { name: { old: 'Rita', new: 'Rita Souza' } },
        fields: { plan: { old: 'Silver', new: 'Gold' } },
        tags: { added: ['customer'], removed: ['lead'] },
        lists: { joined: [], left: [] },
      },
    })
    assert.lengthOf(bodiesOf(receiver, 'contact:created'), 0)
  }).timeout(30_000)

  test('api edit sends api source', async ({ client, assert, cleanup }) => {
    const { tenant } = await createAudienceTenant()
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Ana', phone: '+5511912345002', email: 'ana@example.com' })
    )
    const receiver = await receiverFor(tenant.id, CONTACT_EVENTS, cleanup)
    const { plain: token } = await createTokenFor(tenant.id, 'write')

    const response = await apiRequest(client, 'PUT', `/api/v1/contacts/${contact.id}`, token, {
      name: 'Ana',
      phone: '+5511912345002',
      email: null,
      extraPhones: ['+5511912345003'],
    })
    response.assertStatus(200)

    const [body] = await received(receiver, 'contact:updated')
    assert.equal(body.data.source, 'api')
    assert.isNull(body.data.userId)
    assert.deepEqual(body.data.changedFields, ['email', 'extraPhones'])
    assert.deepEqual(body.data.changes.attributes, {
      email: { old: 'ana@example.com', new: null },
      extraPhones: { old: [], new: ['+5511912345003'] },
    })
  }).timeout(30_000)

  test('unchanged save sends nothing', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createAudienceTenant()
    const contact = await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Rui', phone: '+5511912345004', tags: ['vip'] })
    )
    const receiver = await receiverFor(tenant.id, CONTACT_EVENTS, cleanup)
    const form = { name: 'Rui', phone: '+5511912345004', tags: 'vip' }

    const same = await client
      .put(`/contacts/${contact.id}`)
      .json(form)
      .loginAs(owner)
      .withCsrfToken()
    assert.oneOf(same.status(), [200, 302])
    // A real change afterwards shows when the deliveries of the first save would have arrived.
    const changed = await client
      .put(`/contacts/${contact.id}`)
      .json({ ...form, name: 'Rui Costa' })
      .loginAs(owner)
      .withCsrfToken()
    assert.oneOf(changed.status(), [200, 302])

    const bodies = await received(receiver, 'contact:updated')
    assert.lengthOf(bodies, 1)
    assert.deepEqual(bodies[0].data.changedFields, ['name'])
    const stored = await WebhookDelivery.query().where('tenant_id', tenant.id)
    assert.lengthOf(stored, 1, 'the unchanged save stored a delivery')
  }).timeout(30_000)

  test('import sends only import finished', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: 'Old name', phone: '+5511912345005' })
    )
    const receiver = await receiverFor(tenant.id, [...CONTACT_EVENTS, 'import:finished'], cleanup)
    const file = await writeCsv(
      'phone,name\n+5511912345005,New name\n+5511912345006,Bia\n+5511912345007,Caio\n'
    )

    const { finished } = await importThroughPages(client, owner, tenant.id, file, {
      duplicates: 'update',
    })
    assert.equal(finished.createdCount, 2)
    assert.equal(finished.updatedCount, 1)

    const [body] = await received(receiver, 'import:finished')
    assert.equal(body.data.importId, finished.id)
    assert.equal(body.data.created, 2)
    assert.equal(body.data.updated, 1)
    const stored = await WebhookDelivery.query().where('tenant_id', tenant.id)
    assert.deepEqual(
      stored.map((delivery) => delivery.event),
      ['import:finished'],
      'the import stored per-contact deliveries'
    )
    assert.lengthOf(receiver.requests, 1)
  }).timeout(60_000)
})

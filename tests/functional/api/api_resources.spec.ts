import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Campaign from '#models/campaign'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createPublishedCampaign } from '#tests/helpers/campaigns'
import {
  API_RESOURCE_FACTORIES,
  apiRequest,
  createContactIn,
  createSandboxInstance,
  createTokenFor,
} from '#tests/helpers/api'
import { MAX_PER_PAGE } from '#validators/api'

test.group('Api pagination', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('meta carries the totals', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    for (let index = 0; index < 5; index++) {
      await createContactIn(tenant.id)
    }
    const { plain } = await createTokenFor(tenant.id, 'read')

    const response = await apiRequest(client, 'GET', '/api/v1/contacts?page=2&perPage=2', plain)
    assert.equal(response.status(), 200)
    assert.deepEqual(response.body().meta, { total: 5, perPage: 2, currentPage: 2, lastPage: 3 })
    assert.lengthOf(response.body().data, 2)
  })

  test('perPage above the max is rejected', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'read')
    const url = `/api/v1/lists?perPage=${MAX_PER_PAGE + 1}`
    const response = await apiRequest(client, 'GET', url, plain)
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].code, 'E_VALIDATION_ERROR')
    assert.equal(response.body().errors[0].field, 'perPage')
  })
})

test.group('Api validation', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('missing field is named', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const response = await apiRequest(client, 'POST', '/api/v1/contacts', plain, { name: 'Ana' })
    assert.equal(response.status(), 422)
    const [error] = response.body().errors
    assert.equal(error.code, 'E_VALIDATION_ERROR')
    assert.equal(error.field, 'phone')
    assert.isString(error.message)
  })

  test('invalid phone is named', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const response = await apiRequest(client, 'POST', '/api/v1/contacts', plain, { phone: '12' })
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].code, 'E_CONTACT_INVALID')
    assert.equal(response.body().errors[0].field, 'phone')
  })

  test('unknown template variable is named', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const response = await apiRequest(client, 'POST', '/api/v1/templates', plain, {
      name: 'Greeting',
      body: 'Hello {{no_such_field}}',
    })
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].code, 'E_TEMPLATE_INVALID')
    assert.equal(response.body().errors[0].field, 'body')
  })

  test('unknown route answers JSON 404', async ({ client, assert }) => {
    const response = await client.get('/api/v1/nothing-here').accept('json')
    assert.equal(response.status(), 404)
    assert.equal(response.body().errors[0].code, 'E_NOT_FOUND')
  })
})

test.group('Api resources', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('contact create and fetch', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const created = await apiRequest(client, 'POST', '/api/v1/contacts', plain, {
      name: 'Ana',
      phone: '+55 11 98765-4321',
      tags: ['vip'],
    })
    assert.equal(created.status(), 201)
    assert.equal(created.body().data.phone, '+5511987654321')
    assert.deepEqual(created.body().data.tags, ['vip'])

    const fetched = await apiRequest(
      client,
      'GET',
      `/api/v1/contacts/${created.body().data.id}`,
      plain
    )
    assert.equal(fetched.body().data.name, 'Ana')
  })

  test('list members add and read', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const contact = await createContactIn(tenant.id)
    const listId = await API_RESOURCE_FACTORIES['/api/v1/lists/:id'](tenant.id)
    const { plain } = await createTokenFor(tenant.id, 'write')

    const added = await apiRequest(client, 'POST', `/api/v1/lists/${listId}/contacts`, plain, {
      phones: [contact.phone, '+5511900000000', 'abc'],
    })
    assert.equal(added.body().data.added, 1)
    assert.deepEqual(added.body().data.notFound, ['+5511900000000'])
    assert.deepEqual(added.body().data.invalid, ['abc'])

    const members = await apiRequest(client, 'GET', `/api/v1/lists/${listId}/contacts`, plain)
    assert.equal(members.body().meta.total, 1)
    assert.equal(members.body().data[0].id, contact.id)
  })

  test('campaign create, start and progress', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const created = await apiRequest(client, 'POST', '/api/v1/campaigns', plain, { name: 'Launch' })
    assert.equal(created.status(), 201)
    assert.equal(created.body().data.state, 'draft')
    assert.isFalse(created.body().data.published)

    const unpublished = await apiRequest(
      client,
      'POST',
      `/api/v1/campaigns/${created.body().data.id}/start`,
      plain
    )
    assert.equal(unpublished.status(), 409)
    assert.equal(unpublished.body().errors[0].code, 'E_CAMPAIGN_STATE')

    const campaign = await createPublishedCampaign(tenant.id)
    const listId = await API_RESOURCE_FACTORIES['/api/v1/lists/:id'](tenant.id)
    const instance = await createSandboxInstance(tenant.id)
    await runInTenant(tenant.id, async () => {
      campaign.merge({ listIds: [listId], channelInstanceIds: [instance.id] })
      await campaign.save()
    })
    const started = await apiRequest(
      client,
      'POST',
      `/api/v1/campaigns/${campaign.id}/start`,
      plain
    )
    assert.equal(started.status(), 200)
    assert.equal(started.body().data.state, 'running')
    const paused = await apiRequest(client, 'POST', `/api/v1/campaigns/${campaign.id}/pause`, plain)
    assert.equal(paused.body().data.state, 'paused')
    const stored = await runInTenant(tenant.id, () => Campaign.findOrFail(campaign.id))
    assert.equal(stored.state, 'paused')

    const progress = await apiRequest(
      client,
      'GET',
      `/api/v1/campaigns/${campaign.id}/progress`,
      plain
    )
    assert.equal(progress.status(), 200)
    assert.equal(progress.body().data.state, 'paused')
    assert.properties(progress.body().data.totals, ['enrolled', 'sent', 'failed'])
  })

  test('campaign pacing rules are checked', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const response = await apiRequest(client, 'POST', '/api/v1/campaigns', plain, {
      name: 'Launch',
      minIntervalSeconds: 100,
      maxIntervalSeconds: 10,
    })
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].field, 'minIntervalSeconds')
  })

  test('message is queued and readable', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await createSandboxInstance(tenant.id)
    const contact = await createContactIn(tenant.id)
    const { plain } = await createTokenFor(tenant.id, 'write')

    const sent = await apiRequest(client, 'POST', '/api/v1/messages', plain, {
      instanceId: instance.id,
      to: contact.phone,
      text: 'Your order shipped',
    })
    assert.equal(sent.status(), 202)
    assert.equal(sent.body().data.status, 'queued')
    assert.equal(sent.body().data.contactId, contact.id)

    const stored = await runInTenant(tenant.id, () => Message.findOrFail(sent.body().data.id))
    assert.equal(stored.body, 'Your order shipped')
    const read = await apiRequest(client, 'GET', `/api/v1/messages/${stored.id}`, plain)
    assert.equal(read.body().data.providerMessageId, stored.providerMessageId)
  })

  test('message to foreign instance is rejected', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const foreign = await createSandboxInstance(beta.tenant.id)
    const { plain } = await createTokenFor(alpha.tenant.id, 'write')
    const response = await apiRequest(client, 'POST', '/api/v1/messages', plain, {
      instanceId: foreign.id,
      to: '+5511987654321',
      text: 'Hello',
    })
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].field, 'instanceId')
  })

  test('message to opted-out contact is rejected', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await createSandboxInstance(tenant.id)
    const contact = await createContactIn(tenant.id)
    const { plain } = await createTokenFor(tenant.id, 'write')
    await apiRequest(client, 'POST', `/api/v1/contacts/${contact.id}/opt-out`, plain)

    const response = await apiRequest(client, 'POST', '/api/v1/messages', plain, {
      instanceId: instance.id,
      to: contact.phone,
      text: 'Hello',
    })
    assert.equal(response.status(), 409)
    assert.equal(response.body().errors[0].code, 'E_CONTACT_OPTED_OUT')
  })
})

import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { apiRequest, createSandboxInstance, createTokenFor } from '#tests/helpers/api'

test.group('Api sessions', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('bearer calls set no cookies', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')

    const read = await apiRequest(client, 'GET', '/api/v1/contacts', plain)
    const write = await apiRequest(client, 'POST', '/api/v1/contacts', plain, {
      name: 'Ana',
      phone: '+5511912340001',
    })
    const rejected = await apiRequest(client, 'GET', '/api/v1/contacts', 'not-a-token')

    assert.equal(read.status(), 200)
    assert.equal(write.status(), 201)
    assert.equal(rejected.status(), 401)
    for (const [name, response] of Object.entries({ read, write, rejected })) {
      assert.isUndefined(response.headers()['set-cookie'], `${name} set cookies`)
    }
    assert.equal(read.headers()['x-frame-options'], 'DENY')
    assert.equal(read.headers()['x-content-type-options'], 'nosniff')
  })

  test('pages still start a session', async ({ client, assert }) => {
    const response = await client.get('/login')

    assert.equal(response.status(), 200)
    const cookies = String(response.headers()['set-cookie'] ?? '')
    assert.include(cookies, 'XSRF-TOKEN')
    assert.include(cookies, 'disparador-session')
  })
})

test.group('Api booleans', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('instance flags are booleans', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await createSandboxInstance(tenant.id)
    const { plain } = await createTokenFor(tenant.id, 'read')

    const list = await apiRequest(client, 'GET', '/api/v1/instances', plain)
    const one = await apiRequest(client, 'GET', `/api/v1/instances/${instance.id}`, plain)

    assert.equal(list.status(), 200)
    assert.strictEqual(list.body().data[0].pausedForHealth, false)
    assert.strictEqual(one.body().data.pausedForHealth, false)
  })
})

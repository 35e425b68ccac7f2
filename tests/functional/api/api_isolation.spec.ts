import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import testUtils from '@adonisjs/core/services/test_utils'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { API_RESOURCE_FACTORIES, apiRequest, createTokenFor } from '#tests/helpers/api'

interface WalkedRoute {
  pattern: string
  methods: string[]
}

/** Lists the token-authenticated API routes that address one resource by id. */
function apiResourceRoutes(): WalkedRoute[] {
  const routes: WalkedRoute[] = []
  for (const domainRoutes of Object.values(router.toJSON())) {
    for (const route of domainRoutes) {
      const middleware = [...route.middleware.all()].map((entry: any) => entry.name)
      if (middleware.includes('apiToken') && route.pattern.includes(':')) {
        routes.push({
          pattern: route.pattern,
          methods: route.methods.filter((method) => method !== 'HEAD'),
        })
      }
    }
  }
  return routes
}

function factoryKey(pattern: string) {
  return pattern.match(/^(.*?:[A-Za-z_]+)/)![1]
}

/** DELETE goes last, so the other methods still find the resource. */
function deleteLast(methods: string[]) {
  return [...methods].sort((a, b) => Number(a === 'DELETE') - Number(b === 'DELETE'))
}

test.group('Api isolation', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('other tenant ids answer 404', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const alphaToken = await createTokenFor(alpha.tenant.id, 'write')
    const betaToken = await createTokenFor(beta.tenant.id, 'write')
    const routes = apiResourceRoutes()
    assert.isAbove(routes.length, 10)

    for (const route of routes) {
      const factory = API_RESOURCE_FACTORIES[factoryKey(route.pattern)]
      assert.exists(factory, `route ${route.pattern} has no entry in API_RESOURCE_FACTORIES`)
      const foreignId = await factory(beta.tenant.id)
      const url = route.pattern.replace(/:[A-Za-z_]+/, String(foreignId))

      for (const method of route.methods) {
        const response = await apiRequest(client, method, url, alphaToken.plain)
        assert.equal(response.status(), 404, `${method} ${url} answered ${response.status()}`)
        assert.equal(response.body().errors[0].code, 'E_NOT_FOUND')
      }

      // The owning tenant reaches the same id, so the 404 above comes from isolation.
      for (const method of deleteLast(route.methods)) {
        const response = await apiRequest(client, method, url, betaToken.plain)
        assert.notEqual(response.status(), 404, `${method} ${url} is not found for its own tenant`)
      }
    }
  })

  test('lists show only the token tenant', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    await API_RESOURCE_FACTORIES['/api/v1/contacts/:id'](beta.tenant.id)
    const ownId = await API_RESOURCE_FACTORIES['/api/v1/contacts/:id'](alpha.tenant.id)
    const { plain } = await createTokenFor(alpha.tenant.id, 'read')

    const response = await apiRequest(client, 'GET', '/api/v1/contacts', plain)
    assert.equal(response.status(), 200)
    assert.deepEqual(
      response.body().data.map((contact: { id: number }) => contact.id),
      [ownId]
    )
  })

  test('campaign rejects foreign list ids', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const foreignList = await API_RESOURCE_FACTORIES['/api/v1/lists/:id'](beta.tenant.id)
    const { plain } = await createTokenFor(alpha.tenant.id, 'write')

    const response = await apiRequest(client, 'POST', '/api/v1/campaigns', plain, {
      name: 'Launch',
      listIds: [foreignList],
    })
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].field, 'listIds')
  })
})

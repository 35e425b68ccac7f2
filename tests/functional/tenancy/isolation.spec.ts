import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { SHARED_NAME_ROUTES, TENANT_RESOURCE_FACTORIES } from '#tests/helpers/tenant_resources'

interface WalkedRoute {
  pattern: string
  methods: string[]
}

/**
 * Lists the routes that run behind the tenant middleware and take a
 * parameter, which are the routes that address one tenant-owned resource.
 */
function tenantResourceRoutes(): WalkedRoute[] {
  const routes: WalkedRoute[] = []
  for (const domainRoutes of Object.values(router.toJSON())) {
    for (const route of domainRoutes) {
      const middleware = [...route.middleware.all()].map((entry: any) => entry.name)
      if (middleware.includes('tenant') && route.pattern.includes(':')) {
        routes.push({
          pattern: route.pattern,
          methods: route.methods.filter((method) => method !== 'HEAD'),
        })
      }
    }
  }
  return routes
}

function requestAs(client: ApiClient, method: string, url: string, user: User) {
  return client
    .request(url, method as any)
    .accept('json')
    .json({})
    .loginAs(user)
    .withCsrfToken()
    .redirects(0)
}

function factoryKey(pattern: string) {
  const firstParam = pattern.match(/^(.*?:[A-Za-z_]+)/)
  return firstParam ? firstParam[1] : pattern
}

test.group('Tenant isolation', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('every tenant resource route hides other tenants', async ({ client, assert }) => {
    const tenantA = await createTenantWithOwner('Alpha')
    const tenantB = await createTenantWithOwner('Beta')
    const routes = tenantResourceRoutes()
    assert.isAbove(routes.length, 0)

    for (const route of routes) {
      if (SHARED_NAME_ROUTES.has(factoryKey(route.pattern))) {
        continue
      }
      const factory = TENANT_RESOURCE_FACTORIES[factoryKey(route.pattern)]
      assert.exists(
        factory,
        `route ${route.pattern} has no entry in TENANT_RESOURCE_FACTORIES, so its isolation is untested`
      )

      const foreignId = await factory(tenantB.tenant.id)
      const url = route.pattern
        .replace(/:[A-Za-z_]+/, String(foreignId))
        .replace(/:[A-Za-z_]+/g, '1')

      const methods = [...route.methods].sort(
        (a, b) => Number(a === 'DELETE') - Number(b === 'DELETE')
      )
      for (const method of methods) {
        const foreign = await requestAs(client, method, url, tenantA.owner)
        assert.equal(foreign.status(), 404, `${method} ${url} answered ${foreign.status()}`)
      }

      // The owner of the resource reaches it, so the 404 above comes from isolation.
      for (const method of methods) {
        const own = await requestAs(client, method, url, tenantB.owner)
        assert.notEqual(own.status(), 404, `${method} ${url} is not found for its own tenant`)
      }
    }
  })
})

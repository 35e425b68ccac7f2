import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import testUtils from '@adonisjs/core/services/test_utils'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { TENANT_RESOURCE_FACTORIES } from '#tests/helpers/tenant_resources'

/** Every route that addresses one campaign, with its methods. */
function campaignRoutes() {
  const routes: { pattern: string; methods: string[] }[] = []
  for (const domainRoutes of Object.values(router.toJSON())) {
    for (const route of domainRoutes) {
      if (route.pattern.startsWith('/campaigns/:id')) {
        routes.push({
          pattern: route.pattern,
          methods: route.methods.filter((method) => method !== 'HEAD'),
        })
      }
    }
  }
  return routes
}

test.group('Campaigns isolation', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('campaign routes hide other tenants', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const factory = TENANT_RESOURCE_FACTORIES['/campaigns/:id']
    const routes = campaignRoutes()
    assert.isAbove(routes.length, 10)

    for (const route of routes) {
      for (const method of route.methods) {
        const foreignId = await factory(beta.tenant.id)
        const url = route.pattern.replace(':id', String(foreignId)).replace(':number', '1')
        const send = (user: typeof alpha.owner) =>
          client
            .request(url, method as any)
            .accept('json')
            .json({})
            .loginAs(user)
            .withCsrfToken()
            .redirects(0)

        const foreign = await send(alpha.owner)
        assert.equal(
          foreign.status(),
          404,
          `${method} ${url} answered ${foreign.status()} to another tenant`
        )
        const own = await send(beta.owner)
        assert.notEqual(own.status(), 404, `${method} ${url} is not found for its own tenant`)
      }
    }
  })
})

import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Membership from '#models/membership'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'

test.group('Tenants switch', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('member of two tenants switches between them', async ({ client, assert }) => {
    const first = await createTenantWithOwner('First')
    const second = await createTenantWithOwner('Second')
    await runInTenant(second.tenant.id, () =>
      Membership.create({ userId: first.owner.id, role: 'agent' })
    )

    const response = await client
      .post('/tenants/switch')
      .form({ tenantId: second.tenant.id })
      .loginAs(first.owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    await first.owner.refresh()
    assert.equal(first.owner.currentTenantId, second.tenant.id)

    const page = await client.get('/').loginAs(first.owner).header('x-inertia', 'true')
    assert.equal(page.body().props.tenant.id, second.tenant.id)
    assert.equal(page.body().props.role, 'agent')
    assert.lengthOf(page.body().props.tenants, 2)
  })

  test('switching to a foreign tenant gives 404', async ({ client, assert }) => {
    const first = await createTenantWithOwner('First')
    const foreign = await createTenantWithOwner('Foreign')

    const response = await client
      .post('/tenants/switch')
      .form({ tenantId: foreign.tenant.id })
      .loginAs(first.owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(404)
    await first.owner.refresh()
    assert.equal(first.owner.currentTenantId, first.tenant.id)
  })
})

import { test } from '@japa/runner'
import Membership from '#models/membership'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'

test.group('Tenant scope', () => {
  test('a query outside any scope is rejected', ({ assert }) => {
    assert.throws(() => Membership.query(), /outside a tenant scope/)
  })

  test('a tenant scope filters by tenant id', ({ assert }) => {
    const sql = runInTenant(7, () => Membership.query().where('role', 'owner').toQuery())
    assert.match(sql, /`memberships`\.`tenant_id` = 7|"memberships"\."tenant_id" = 7/)
  })

  test('system scope adds no filter', ({ assert }) => {
    const sql = runAsSystem(() => Membership.query().toQuery())
    assert.notInclude(sql, 'tenant_id')
  })
})

import { signUp } from '#services/account_service'
import Membership from '#models/membership'
import User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import type { Role } from '#tenancy/roles'

let sequence = 0

/**
 * Signs up a tenant with its owner. Every call makes new, unique addresses.
 */
export async function createTenantWithOwner(name = 'Agency') {
  sequence += 1
  const stamp = `${Date.now()}${sequence}`
  const password = 'correct horse battery'
  const { tenant, user } = await signUp({
    fullName: `Owner ${stamp}`,
    email: `owner${stamp}@example.com`,
    password,
    tenantName: `${name} ${stamp}`,
    workspaceLocale: 'en',
  })
  return { tenant, owner: user, password }
}

/**
 * Adds a user with `role` to the tenant.
 */
export async function addMember(tenantId: number, role: Role) {
  sequence += 1
  const user = await User.create({
    fullName: `${role} ${sequence}`,
    email: `${role}${Date.now()}${sequence}@example.com`,
    password: 'correct horse battery',
    currentTenantId: tenantId,
  })
  const membership = await runInTenant(tenantId, () => Membership.create({ userId: user.id, role }))
  return { user, membership, password: 'correct horse battery' }
}

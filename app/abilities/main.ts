import { Bouncer } from '@adonisjs/bouncer'
import type User from '#models/user'
import { roleAtLeast, type Role } from '#tenancy/roles'

/**
 * Abilities by role in the current tenant. The tenant middleware sets
 * `user.currentRole`, so these hold only inside a tenant request.
 */
function atLeast(minimum: Role) {
  return Bouncer.ability((user: User) => roleAtLeast(user.currentRole, minimum))
}

export const viewTenant = atLeast('viewer')
export const workInbox = atLeast('agent')
export const designCampaigns = atLeast('editor')
/**
 * Bulk exports whose rows carry contacts' names and phone numbers: the
 * contacts CSV and a campaign's messages CSV. Viewers read the same rows
 * page by page but take no copy of them. Aggregate report exports stay
 * open to every member.
 */
export const exportContactData = atLeast('editor')
export const manageMembers = atLeast('admin')
export const manageTenant = atLeast('admin')
/** Deleting the tenant with all its data is an owner's decision alone. */
export const deleteTenant = atLeast('owner')

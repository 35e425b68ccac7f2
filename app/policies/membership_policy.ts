import { BasePolicy } from '@adonisjs/bouncer'
import type { AuthorizerResponse } from '@adonisjs/bouncer/types'
import type User from '#models/user'
import type Membership from '#models/membership'
import { roleAtLeast, type Role } from '#tenancy/roles'

/**
 * Who may invite, change roles and remove members. Owners and admins manage
 * members; only an owner may grant or touch the owner role; nobody changes
 * their own role or removes themselves here.
 */
export default class MembershipPolicy extends BasePolicy {
  invite(user: User, role: Role): AuthorizerResponse {
    if (!roleAtLeast(user.currentRole, 'admin')) {
      return false
    }
    return role !== 'owner' || user.currentRole === 'owner'
  }

  update(user: User, membership: Membership, role: Role): AuthorizerResponse {
    if (!roleAtLeast(user.currentRole, 'admin') || membership.userId === user.id) {
      return false
    }
    if (membership.role === 'owner' || role === 'owner') {
      return user.currentRole === 'owner'
    }
    return true
  }

  delete(user: User, membership: Membership): AuthorizerResponse {
    if (!roleAtLeast(user.currentRole, 'admin') || membership.userId === user.id) {
      return false
    }
    return membership.role !== 'owner' || user.currentRole === 'owner'
  }
}

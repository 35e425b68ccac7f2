import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { Exception } from '@adonisjs/core/exceptions'
import Membership from '#models/membership'
import Tenant from '#models/tenant'
import type User from '#models/user'
import { runAsSystem } from '#tenancy/tenant_context'
import pluginHost from '#plugins/main'
import { recordDeletionRequest } from '#services/workspaces/deletion_records'

/**
 * Raised when the only owner of a tenant tries to leave it: a tenant
 * without an owner could never be managed or deleted again.
 */
export class LastOwnerException extends Exception {
  static status = 409
  static code = 'E_LAST_OWNER'
}

/**
 * Lists the user's memberships in tenants that are not being deleted, the
 * oldest first, with their tenants loaded. The tenant middleware and every
 * tenant switch read the same list.
 */
export function liveMemberships(userId: number) {
  return runAsSystem(() =>
    Membership.query()
      .where('user_id', userId)
      .whereHas('tenant', (tenant) => tenant.whereNull('deletion_requested_at'))
      .preload('tenant')
      .orderBy('id')
  )
}

/**
 * Makes the user's oldest remaining tenant the current one, or none when
 * the user belongs to no tenant any more. Returns that tenant, or `null`.
 */
export async function switchToRemainingTenant(user: User) {
  const [next] = await liveMemberships(user.id)
  user.currentTenantId = next?.tenantId ?? null
  await user.save()
  return next?.tenant ?? null
}

/**
 * Ends the user's membership of `tenant`. The owner row of the tenant is
 * locked while the owners are counted, so two owners who leave at once
 * cannot both go and leave the tenant without one. Raises
 * `LastOwnerException` for the only owner. Returns the membership as it was.
 */
export async function leaveTenant(user: User, tenant: Tenant) {
  return runAsSystem(() =>
    db.transaction(async (trx) => {
      const owners = await Membership.query({ client: trx })
        .where('tenant_id', tenant.id)
        .where('role', 'owner')
        .forUpdate()
      const membership = await Membership.query({ client: trx })
        .where('tenant_id', tenant.id)
        .where('user_id', user.id)
        .forUpdate()
        .firstOrFail()
      if (membership.role === 'owner' && owners.length <= 1) {
        throw new LastOwnerException(
          `User ${user.id} is the last owner of tenant ${tenant.id} and cannot leave it`
        )
      }
      await membership.useTransaction(trx).delete()
      return membership
    })
  )
}

/**
 * Starts the deletion of a tenant: marks it, records who requested it and
 * who its members were, and ends every membership, pending invitation and
 * API token in the same transaction, so nobody reaches the tenant from
 * then on. The workspace deletion job does the rest. Returns the deletion's
 * record with the ids of the users who were members, or `null` when the
 * tenant was already being deleted.
 */
export async function markTenantForDeletion(tenant: Tenant, requester: User | null = null) {
  const marked = await runAsSystem(() =>
    db.transaction(async (trx) => {
      const locked = await Tenant.query({ client: trx }).where('id', tenant.id).forUpdate().first()
      if (!locked || locked.deletionRequestedAt !== null) {
        return null
      }
      const members = await trx
        .from('memberships')
        .where('tenant_id', tenant.id)
        .orderBy('id')
        .select('user_id', 'role')
      locked.deletionRequestedAt = DateTime.utc()
      await locked.useTransaction(trx).save()
      const deletion = await recordDeletionRequest(
        trx,
        locked,
        requester,
        members.map((row) => ({ userId: Number(row.user_id), role: String(row.role) }))
      )
      await trx.from('memberships').where('tenant_id', tenant.id).delete()
      await trx.from('invitations').where('tenant_id', tenant.id).delete()
      await trx.from('api_tokens').where('tenant_id', tenant.id).delete()
      tenant.deletionRequestedAt = locked.deletionRequestedAt
      return { deletion, memberIds: members.map((row) => Number(row.user_id)) }
    })
  )
  // This process stops calling plugins for the tenant at once; others within their cache's TTL.
  pluginHost?.tenantState.forget(tenant.id)
  return marked
}

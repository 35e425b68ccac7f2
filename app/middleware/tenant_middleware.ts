import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type Membership from '#models/membership'
import type Tenant from '#models/tenant'
import { runInTenant } from '#tenancy/tenant_context'
import { liveMemberships } from '#services/workspaces/workspace_exit'
import {
  lastFinishedDeletionSeenBy,
  workspaceDeletionSeenBy,
} from '#services/workspaces/deletion_records'

/**
 * Finds the deletion behind a user's lost current tenant: the deletion of
 * that tenant while it runs, or, once the tenant is gone and the user's
 * current tenant cleared with it, the last deletion that finished.
 */
function deletionOfLostTenant(userId: number, currentId: number | null) {
  return currentId === null
    ? lastFinishedDeletionSeenBy(userId)
    : workspaceDeletionSeenBy(userId, currentId)
}

/**
 * Resolves the tenant of the request from the user's current tenant, checks
 * the membership, and runs the rest of the request inside that tenant's
 * scope. Runs after the auth middleware. A member whose current tenant is
 * being deleted goes to the deletion's progress page, where nothing of the
 * tenant can be started. A user whose current tenant was left, deleted or
 * removed them moves to their oldest remaining tenant, and one without
 * any goes to the page that creates one.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()

    const memberships = await liveMemberships(user.id)
    const currentId = user.currentTenantId
    const current = memberships.find((entry) => entry.tenantId === currentId)
    const deletion = current ? null : await deletionOfLostTenant(user.id, currentId)
    if (deletion && deletion.status !== 'finished') {
      return ctx.response.redirect(`/workspaces/deletions/${deletion.id}`)
    }

    if (memberships.length === 0) {
      ctx.logger.info({ userId: user.id }, 'user has no workspace, sent to create one')
      return ctx.response.redirect('/workspaces/start')
    }

    const membership = current ?? memberships[0]
    if (membership.tenantId !== user.currentTenantId) {
      const lostTenantId = user.currentTenantId
      user.currentTenantId = membership.tenantId
      await user.save()
      if (lostTenantId !== null || deletion) {
        ctx.logger.info(
          { userId: user.id, lostTenantId, tenantId: membership.tenantId },
          'workspace access ended, switched to another'
        )
        // A GET is redirected to itself, so the flashed message shows on the page it asked for.
        if (deletion) {
          ctx.session.flash(
            'success',
            ctx.i18n.t('workspaces.deleted_moved', {
              deleted: deletion.workspaceName,
              name: membership.tenant.name,
            })
          )
        } else {
          ctx.session.flashErrors({
            E_WORKSPACE_ACCESS_ENDED: ctx.i18n.t('workspaces.access_ended', {
              name: membership.tenant.name,
            }),
          })
        }
        if (ctx.request.method() === 'GET') {
          return ctx.response.redirect(ctx.request.url(true))
        }
      }
    }

    user.currentRole = membership.role
    ctx.tenant = membership.tenant
    ctx.membership = membership
    ctx.memberships = memberships
    ctx.logger = ctx.logger.child({ tenantId: membership.tenantId, userId: user.id })

    return runInTenant(membership.tenantId, () => next())
  }
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    tenant: Tenant
    membership: Membership
    memberships: Membership[]
  }
}

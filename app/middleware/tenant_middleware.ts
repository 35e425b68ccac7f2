import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type Membership from '#models/membership'
import type Tenant from '#models/tenant'
import { runInTenant } from '#tenancy/tenant_context'
import { liveMemberships } from '#services/workspaces/workspace_exit'

/**
 * Resolves the tenant of the request from the user's current tenant, checks
 * the membership, and runs the rest of the request inside that tenant's
 * scope. Runs after the auth middleware. A user whose current tenant was
 * left, deleted or removed them moves to their oldest remaining tenant,
 * and one without any goes to the page that creates one.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()

    const memberships = await liveMemberships(user.id)
    if (memberships.length === 0) {
      ctx.logger.info({ userId: user.id }, 'user has no workspace, sent to create one')
      return ctx.response.redirect('/workspaces/start')
    }

    const membership =
      memberships.find((entry) => entry.tenantId === user.currentTenantId) ?? memberships[0]
    if (membership.tenantId !== user.currentTenantId) {
      const lostTenantId = user.currentTenantId
      user.currentTenantId = membership.tenantId
      await user.save()
      if (lostTenantId !== null) {
        ctx.logger.info(
          { userId: user.id, lostTenantId, tenantId: membership.tenantId },
          'workspace access ended, switched to another'
        )
        // A GET is redirected to itself, so the flashed message shows on the page it asked for.
        ctx.session.flashErrors({
          E_WORKSPACE_ACCESS_ENDED: ctx.i18n.t('workspaces.access_ended', {
            name: membership.tenant.name,
          }),
        })
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

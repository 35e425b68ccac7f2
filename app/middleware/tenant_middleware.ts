import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import Membership from '#models/membership'
import type Tenant from '#models/tenant'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'

/**
 * Resolves the tenant of the request from the user's current tenant, checks
 * the membership, and runs the rest of the request inside that tenant's
 * scope. Runs after the auth middleware.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()

    const memberships = await runAsSystem(() =>
      Membership.query().where('user_id', user.id).preload('tenant').orderBy('id')
    )
    if (memberships.length === 0) {
      ctx.logger.warn({ userId: user.id }, 'user has no tenant membership')
      await ctx.auth.use('web').logout()
      ctx.session.flashErrors({ E_NO_TENANT: ctx.i18n.t('auth.no_tenant') })
      return ctx.response.redirect('/login')
    }

    const membership =
      memberships.find((entry) => entry.tenantId === user.currentTenantId) ?? memberships[0]
    if (membership.tenantId !== user.currentTenantId) {
      user.currentTenantId = membership.tenantId
      await user.save()
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

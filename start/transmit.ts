/**
 * Real-time routes and channel authorization, loaded by web processes only.
 * `tenants/:tenantId/...` channels are open only to members of that tenant,
 * and the inbox's channel only to members with a role that reads it.
 */
import transmit from '@adonisjs/transmit/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'
import Membership from '#models/membership'
import { runAsSystem } from '#tenancy/tenant_context'
import { INBOX_READER_ROLE, roleAtLeast } from '#tenancy/roles'

/** Loads the user's role in the tenant, or `null` when the user is not a member. */
async function roleIn(ctx: HttpContext, tenantId: string) {
  const user = ctx.auth.user
  if (!user) {
    return null
  }
  const membership = await runAsSystem(() =>
    Membership.query().where('user_id', user.id).where('tenant_id', Number(tenantId)).first()
  )
  return membership?.role ?? null
}

// Registered before the tenant wildcard below, because Transmit applies the
// first registered pattern that matches a channel.
transmit.authorize<{ tenantId: string }>('tenants/:tenantId/inbox', async (ctx, params) =>
  roleAtLeast(await roleIn(ctx, params.tenantId), INBOX_READER_ROLE)
)

transmit.authorize<{ tenantId: string }>(
  'tenants/:tenantId/*',
  async (ctx: HttpContext, params) => {
    const user = ctx.auth.user
    if (!user) {
      return false
    }
    const membership = await runAsSystem(() =>
      Membership.query()
        .where('user_id', user.id)
        .where('tenant_id', Number(params.tenantId))
        .first()
    )
    return Boolean(membership)
  }
)

transmit.registerRoutes((route) => {
  route.middleware([middleware.auth()])
})

/**
 * Real-time routes and channel authorization, loaded by web processes only.
 * `tenants/:tenantId/...` channels are open only to members of that tenant.
 */
import transmit from '@adonisjs/transmit/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'
import Membership from '#models/membership'
import { runAsSystem } from '#tenancy/tenant_context'

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

/**
 * Real-time routes and channel authorization, loaded by web processes only.
 * `tenants/:tenantId/...` channels are open only to members of that tenant,
 * the inbox's channel only to members with a role that reads it, and the
 * `managed/...` channels with connections' pairing data only to members
 * with a role that reads that.
 * `workspace-deletions/:deletionId` is open to the members the deleted
 * workspace had. Open
 * streams are checked again while they stay open (see `closeRevokedStreams`).
 */
import transmit from '@adonisjs/transmit/services/main'
import type { HttpContext } from '@adonisjs/core/http'
import { middleware } from '#start/kernel'
import { guardEventStreams, mayFollow, roleIn } from '#services/realtime/stream_access'
import { deletionSeenBy } from '#services/workspaces/deletion_records'

/** Tells whether the signed-in member may follow `rest` of the tenant's channels. */
async function mayFollowTenant(ctx: HttpContext, tenantId: string, rest: string) {
  const user = ctx.auth.user
  if (!user) {
    return false
  }
  return mayFollow(await roleIn(user.id, Number(tenantId)), rest)
}

// Registered before the tenant wildcard below, because Transmit applies the
// first registered pattern that matches a channel.
transmit.authorize<{ tenantId: string }>('tenants/:tenantId/inbox', (ctx, params) =>
  mayFollowTenant(ctx, params.tenantId, 'inbox')
)

transmit.authorize<{ tenantId: string }>('tenants/:tenantId/managed/*', (ctx, params) =>
  mayFollowTenant(ctx, params.tenantId, 'managed/')
)

transmit.authorize<{ tenantId: string }>('tenants/:tenantId/*', (ctx, params) =>
  mayFollowTenant(ctx, params.tenantId, '*')
)

// A deletion's progress, for the members its workspace had when the deletion was requested.
transmit.authorize<{ deletionId: string }>(
  'workspace-deletions/:deletionId',
  async (ctx, params) => {
    const user = ctx.auth.user
    return user ? Boolean(await deletionSeenBy(user.id, Number(params.deletionId))) : false
  }
)

transmit.registerRoutes((route) => {
  route.middleware([middleware.auth()])
})

guardEventStreams()

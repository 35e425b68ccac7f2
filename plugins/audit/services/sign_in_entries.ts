import emitter from '@adonisjs/core/services/emitter'
import type { HttpContext } from '@adonisjs/core/http'
import type { PluginApi } from '#sdk'
import { recordEntry, tenantsOfUser } from './recorder.js'

async function recordForTenants(
  plugin: PluginApi,
  userId: number,
  entry: { action: string; ipAddress: string | null; after: Record<string, unknown> | null }
) {
  for (const tenantId of await tenantsOfUser(userId)) {
    if (await plugin.isEnabledFor(tenantId)) {
      await recordEntry({
        tenantId,
        actorId: userId,
        targetType: 'user',
        targetId: userId,
        ...entry,
      })
    }
  }
}

/**
 * Records sign-ins (the session guard's `session_auth:login_succeeded`) in
 * every tenant the account belongs to. Failed sign-ins arrive as
 * `audit:record` from the sign-in route, because @adonisjs/auth 10 emits no
 * event for wrong credentials. Returns the function that unsubscribes.
 */
export function listenToSignIns(plugin: PluginApi) {
  const succeeded = (event: { ctx: HttpContext; user: unknown }) => {
    const userId = (event.user as { id: number }).id
    const ipAddress = event.ctx.request.ip()
    return recordForTenants(plugin, userId, {
      action: 'auth.signed_in',
      ipAddress,
      after: null,
    }).catch((error) => plugin.logger.error({ err: error, userId }, 'failed to audit a sign-in'))
  }
  emitter.on('session_auth:login_succeeded', succeeded as never)
  return () => {
    emitter.off('session_auth:login_succeeded', succeeded as never)
  }
}

import emitter from '@adonisjs/core/services/emitter'
import type { HttpContext } from '@adonisjs/core/http'
import { db, type PluginApi } from '#sdk'
import { recordEntry, tenantsOfUser } from './recorder.js'

/** Route of the sign-in form, whose failures the session guard does not announce. */
const SIGN_IN_PATTERN = '/login'

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
 * Whether a finished request was a rejected sign-in: a POST to the
 * sign-in route that @adonisjs/auth rejected with `E_INVALID_CREDENTIALS`,
 * which it flashes for HTML clients and returns as 400 to JSON ones.
 */
function isRejectedSignIn(ctx: HttpContext) {
  if (ctx.route?.pattern !== SIGN_IN_PATTERN || ctx.request.method() !== 'POST') {
    return false
  }
  const flashed = ctx.session?.responseFlashMessages.get('errorsBag') as
    Record<string, unknown> | undefined
  return Boolean(flashed?.E_INVALID_CREDENTIALS) || ctx.response.getStatus() === 400
}

async function onRequestCompleted(plugin: PluginApi, ctx: HttpContext) {
  if (!isRejectedSignIn(ctx)) {
    return
  }
  const email = String(ctx.request.input('email', '')).trim().toLowerCase()
  const user = await db.from('users').where('email', email).select('id').first()
  if (!user) {
    plugin.logger.info({ ip: ctx.request.ip() }, 'failed sign-in for an unknown e-mail not audited')
    return
  }
  await recordForTenants(plugin, Number(user.id), {
    action: 'auth.sign_in_failed',
    ipAddress: ctx.request.ip(),
    after: null,
  })
}

/**
 * Records sign-ins (the session guard's `session_auth:login_succeeded`)
 * and failed sign-ins (seen on `http:request_completed`, because
 * @adonisjs/auth 10 emits no event for wrong credentials) in every tenant
 * the account belongs to. Returns the function that unsubscribes.
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
  const completed = (event: { ctx: HttpContext }) => {
    return onRequestCompleted(plugin, event.ctx).catch((error) =>
      plugin.logger.error({ err: error }, 'failed to audit a failed sign-in')
    )
  }
  emitter.on('session_auth:login_succeeded', succeeded as never)
  emitter.on('http:request_completed', completed as never)
  return () => {
    emitter.off('session_auth:login_succeeded', succeeded as never)
    emitter.off('http:request_completed', completed as never)
  }
}

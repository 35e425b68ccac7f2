import { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import type { AuditRecordEvent } from '#sdk'
import { emitDomainEvent } from '#events/domain_events'

type AuditDetails = Partial<Pick<AuditRecordEvent, 'targetType' | 'targetId' | 'before' | 'after'>>

/**
 * Emits `audit:record` for an action of the current request's member: the
 * tenant, the actor and the client address come from the request. Over the
 * REST API the actor is the member who created the API token, and the
 * token's id joins the `after` values. Call it once the change is
 * committed, from a request behind the tenant or API token middleware.
 *
 * @example
 * await recordAudit('member.role_changed', { targetType: 'membership', targetId: id, before, after })
 */
export async function recordAudit(action: string, details: AuditDetails = {}) {
  const ctx = HttpContext.getOrFail()
  await recordAuditIn(ctx.tenant.id, action, details)
}

/**
 * Returns the member behind the current request: the signed-in user, or
 * over the REST API the member who created the API token; `null` for
 * neither.
 */
export function requestActorId(ctx: HttpContext = HttpContext.getOrFail()) {
  return ctx.auth?.user?.id ?? ctx.apiToken?.createdBy ?? null
}

/**
 * Emits `audit:record` like `recordAudit`, in the tenant `tenantId` rather
 * than the request's tenant, such as a tenant the member just created.
 */
export async function recordAuditIn(tenantId: number, action: string, details: AuditDetails = {}) {
  const ctx = HttpContext.getOrFail()
  await emitDomainEvent('audit:record', {
    tenantId,
    action,
    actorId: requestActorId(ctx),
    ipAddress: ctx.request.ip(),
    targetType: details.targetType ?? null,
    targetId: details.targetId ?? null,
    before: details.before ?? null,
    after: ctx.apiToken
      ? { ...details.after, apiTokenId: ctx.apiToken.id }
      : (details.after ?? null),
  })
}

/** Why a sign-in was rejected: wrong e-mail or password, or too many failures in a row. */
export type SignInFailure = 'invalid_credentials' | 'throttled'

/**
 * Emits `audit:record` for a rejected sign-in in every tenant the account
 * of `email` belongs to, with the address and e-mail tried. The password
 * is never part of it. An e-mail of no account belongs to no tenant, so
 * nothing is recorded for it.
 */
export async function recordFailedSignIn(email: string, ipAddress: string, reason: SignInFailure) {
  const user = await db.from('users').where('email', email).select('id').first()
  if (!user) {
    return 0
  }
  const memberships = await db.from('memberships').where('user_id', user.id).select('tenant_id')
  for (const { tenant_id: tenantId } of memberships) {
    await emitDomainEvent('audit:record', {
      tenantId: Number(tenantId),
      action: 'auth.sign_in_failed',
      actorId: null,
      ipAddress,
      targetType: 'user',
      targetId: Number(user.id),
      before: null,
      after: { email, reason },
    })
  }
  return memberships.length
}

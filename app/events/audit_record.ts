import { HttpContext } from '@adonisjs/core/http'
import type { AuditRecordEvent } from '#sdk'
import { emitDomainEvent } from '#events/domain_events'

type AuditDetails = Partial<Pick<AuditRecordEvent, 'targetType' | 'targetId' | 'before' | 'after'>>

/**
 * Emits `audit:record` for an action of the current request's member: the
 * tenant, the actor and the client address come from the request. Call it
 * once the change is committed, from a request behind the tenant middleware.
 *
 * @example
 * await recordAudit('member.role_changed', { targetType: 'membership', targetId: id, before, after })
 */
export async function recordAudit(action: string, details: AuditDetails = {}) {
  const ctx = HttpContext.getOrFail()
  await emitDomainEvent('audit:record', {
    tenantId: ctx.tenant.id,
    action,
    actorId: ctx.auth.user?.id ?? null,
    ipAddress: ctx.request.ip(),
    targetType: details.targetType ?? null,
    targetId: details.targetId ?? null,
    before: details.before ?? null,
    after: details.after ?? null,
  })
}

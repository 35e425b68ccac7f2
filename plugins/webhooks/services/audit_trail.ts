import emitter from '@adonisjs/core/services/emitter'
import type { HttpContext } from '#sdk'
import type WebhookEndpoint from '../models/webhook_endpoint.js'

/**
 * Emits the catalogue's `audit:record` for a change to an endpoint, so the
 * audit plugin (when the tenant has it) records who changed which endpoint
 * from where. Secrets are never part of the values.
 */
export async function auditEndpointChange(
  ctx: HttpContext,
  action: 'created' | 'updated' | 'deleted' | 'secret_revealed',
  endpoint: WebhookEndpoint,
  values: { before?: Record<string, unknown>; after?: Record<string, unknown> } = {}
) {
  await emitter.emit('audit:record', {
    tenantId: endpoint.tenantId,
    occurredAt: new Date().toISOString(),
    action: `webhook.endpoint_${action}`,
    actorId: ctx.auth.user?.id ?? null,
    targetType: 'webhook_endpoint',
    targetId: endpoint.id,
    ipAddress: ctx.request.ip(),
    before: values.before ?? null,
    after: values.after ?? null,
  })
}

/** Returns the endpoint's audited values: everything but the secret. */
export function auditedValues(endpoint: WebhookEndpoint) {
  return { url: endpoint.url, events: endpoint.events, enabled: endpoint.enabled }
}

import type WebhookEndpoint from '../models/webhook_endpoint.js'
import type WebhookDelivery from '../models/webhook_delivery.js'
import type WebhookAttempt from '../models/webhook_attempt.js'
import { classifyStoredError } from './attempt_failure.js'

/** Converts an endpoint to the shape the pages show, without its secret. */
export function presentEndpoint(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    failedDeliveriesInRow: endpoint.failedDeliveriesInRow,
    disabledForFailuresAt: endpoint.disabledForFailuresAt?.toISO() ?? null,
    createdAt: endpoint.createdAt.toISO(),
  }
}

/** Converts a delivery and its attempts, newest attempt last, for the delivery log. */
export function presentDelivery(delivery: WebhookDelivery, attempts: WebhookAttempt[]) {
  return {
    id: delivery.id,
    event: delivery.event,
    status: delivery.status,
    createdAt: delivery.createdAt.toISO(),
    body: delivery.body,
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      statusCode: attempt.statusCode,
      durationMs: attempt.durationMs,
      responseSnippet: attempt.responseSnippet,
      error: attempt.error,
      failure: attempt.failure ?? (attempt.error ? classifyStoredError(attempt.error) : null),
      createdAt: attempt.createdAt.toISO(),
    })),
  }
}

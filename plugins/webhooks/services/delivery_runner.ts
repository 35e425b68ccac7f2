import { UnrecoverableError, type Job } from 'bullmq'
import { DateTime } from 'luxon'
import {
  classifyRejection,
  isTenantBeingDeleted,
  noticeTenantPages,
  runInTenant,
  sendHttpRequest,
  type HttpRequestOutcome,
} from '#sdk'
import WebhookEndpoint from '../models/webhook_endpoint.js'
import WebhookDelivery from '../models/webhook_delivery.js'
import WebhookAttempt from '../models/webhook_attempt.js'
import { webhooksConfig } from '../config.js'
import type { DeliveryJobData } from './delivery_queue.js'
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js'
import { TargetRejectedError, resolveTarget } from './target_guard.js'
import { webhooksContext } from './plugin_context.js'
import { TEST_EVENT } from './delivery_service.js'
import { notifyEndpointDisabled } from './failure_notice.js'

type AttemptResult = 'success' | 'http_error' | 'network_error' | 'rejected'

function resultOf(outcome: HttpRequestOutcome): AttemptResult {
  if (outcome.statusCode === null) {
    return 'network_error'
  }
  return outcome.statusCode >= 200 && outcome.statusCode < 300 ? 'success' : 'http_error'
}

async function recordAttempt(
  delivery: WebhookDelivery,
  outcome: HttpRequestOutcome,
  result: AttemptResult
) {
  delivery.attempts += 1
  await delivery.save()
  await WebhookAttempt.create({
    tenantId: delivery.tenantId,
    deliveryId: delivery.id,
    attempt: delivery.attempts,
    statusCode: outcome.statusCode,
    durationMs: outcome.durationMs,
    responseSnippet: outcome.responseSnippet || null,
    error: outcome.error?.slice(0, 500) ?? null,
    failure: outcome.failure,
  })
  const { attempts, attemptDuration } = webhooksContext()
  attempts.inc({ result })
  attemptDuration.observe({ result }, outcome.durationMs / 1000)
}

/**
 * Checks the target again, after DNS resolution, and POSTs the stored body
 * with a signature made now. A rejected target becomes an attempt without
 * a request.
 */
async function attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery) {
  let target
  try {
    target = await resolveTarget(endpoint.url, webhooksConfig.allowPrivateTargets)
  } catch (error) {
    if (!(error instanceof TargetRejectedError)) {
      throw error
    }
    const outcome: HttpRequestOutcome = {
      statusCode: null,
      durationMs: 0,
      responseSnippet: '',
      error: error.message,
      failure: classifyRejection(error.reason),
    }
    return { outcome, result: 'rejected' as const, retryable: error.reason === 'unresolvable' }
  }

  const timestamp = Math.floor(Date.now() / 1000)
  const outcome = await sendHttpRequest(target, {
    body: delivery.body,
    headers: {
      'User-Agent': 'Disparador-Webhooks/1.0',
      [SIGNATURE_HEADER]: signatureHeader(endpoint.revealSecret(), timestamp, delivery.body),
      [DELIVERY_HEADER]: delivery.id,
      [EVENT_HEADER]: delivery.event,
    },
    timeoutMs: webhooksConfig.timeoutMs,
    snippetBytes: webhooksConfig.responseSnippetBytes,
  })
  return { outcome, result: resultOf(outcome), retryable: true }
}

async function succeed(endpoint: WebhookEndpoint, delivery: WebhookDelivery) {
  delivery.merge({ status: 'succeeded', completedAt: DateTime.utc() })
  await delivery.save()
  if (endpoint.failedDeliveriesInRow > 0 && delivery.event !== TEST_EVENT) {
    endpoint.failedDeliveriesInRow = 0
    await endpoint.save()
  }
}

/**
 * Marks the delivery failed after its last attempt, counts it against the
 * endpoint, and switches the endpoint off once it failed
 * `disableAfterFailedDeliveries` deliveries in a row. Test sends do not
 * count.
 */
async function failForGood(endpoint: WebhookEndpoint, delivery: WebhookDelivery) {
  delivery.merge({ status: 'failed', completedAt: DateTime.utc() })
  await delivery.save()
  if (delivery.event === TEST_EVENT) {
    return
  }
  endpoint.failedDeliveriesInRow += 1
  const disable =
    endpoint.enabled &&
    endpoint.failedDeliveriesInRow >= webhooksConfig.disableAfterFailedDeliveries
  if (disable) {
    endpoint.merge({ enabled: false, disabledForFailuresAt: DateTime.utc() })
  }
  await endpoint.save()
  if (disable) {
    webhooksContext().logger.warn(
      {
        tenantId: endpoint.tenantId,
        endpointId: endpoint.id,
        failures: endpoint.failedDeliveriesInRow,
      },
      'webhook endpoint disabled after failing deliveries'
    )
    await notifyEndpointDisabled(endpoint)
  }
}

/** Tells the endpoint's open page that a delivery has a new attempt or a final state. */
function noticeDelivery(delivery: WebhookDelivery) {
  noticeTenantPages(delivery.tenantId, 'webhooks', {
    endpointId: delivery.endpointId,
    deliveryId: delivery.id,
    status: delivery.status,
  })
}

/**
 * Runs one attempt of a delivery: the BullMQ processor of the delivery
 * queue. A failed attempt throws so BullMQ retries it with backoff; the
 * last one, or one that cannot succeed later, marks the delivery failed.
 */
export async function processDelivery(job: Job<DeliveryJobData>) {
  const { tenantId, deliveryId } = job.data
  await runInTenant(tenantId, async () => {
    const delivery = await WebhookDelivery.forTenant(tenantId).where('id', deliveryId).first()
    const endpoint = delivery
      ? await WebhookEndpoint.forTenant(tenantId).where('id', delivery.endpointId).first()
      : null
    if (!delivery || !endpoint) {
      return
    }
    if (await isTenantBeingDeleted(tenantId)) {
      // Its queued jobs are being removed too, but one may have started first.
      webhooksContext().logger.info(
        { tenantId, deliveryId, jobId: job.id },
        'webhook delivery dropped: its workspace is being deleted'
      )
      return
    }
    if (!endpoint.enabled && delivery.event !== TEST_EVENT) {
      // Switched off while retries were waiting: only test sends reach an endpoint that is off.
      delivery.merge({ status: 'failed', completedAt: DateTime.utc() })
      await delivery.save()
      return
    }

    const { outcome, result, retryable } = await attempt(endpoint, delivery)
    await recordAttempt(delivery, outcome, result)
    if (result === 'success') {
      await succeed(endpoint, delivery)
      noticeDelivery(delivery)
      return
    }

    const lastAttempt = !retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
    if (lastAttempt) {
      await failForGood(endpoint, delivery)
    }
    noticeDelivery(delivery)
    const reason = outcome.error ?? `endpoint answered ${outcome.statusCode}`
    throw retryable ? new Error(reason) : new UnrecoverableError(reason)
  })
}

import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { KeyedBatcher, db, sqlTime, type DomainEventName, type DomainEvents } from '#sdk'
import WebhookEndpoint from '../models/webhook_endpoint.js'
import WebhookDelivery from '../models/webhook_delivery.js'
import { webhooksConfig } from '../config.js'
import { enqueueDeliveries, enqueueDelivery } from './delivery_queue.js'
import { resolveTarget } from './target_guard.js'

/** Event name of the deliveries the test-send button makes. */
export const TEST_EVENT = 'webhook:test'

/**
 * Serialises the JSON that every attempt of a delivery sends. It is stored once,
 * so a retry sends the same bytes: the delivery id, the event name, when
 * the event happened, the tenant, and the event's payload as `data`.
 */
function deliveryBody(
  id: string,
  event: string,
  tenantId: number,
  occurredAt: string,
  data: unknown
) {
  return JSON.stringify({ id, event, occurredAt, tenantId, data })
}

async function createDelivery(
  endpoint: WebhookEndpoint,
  event: string,
  body: (id: string) => string
) {
  const id = randomUUID()
  return WebhookDelivery.create({
    id,
    tenantId: endpoint.tenantId,
    endpointId: endpoint.id,
    event,
    body: body(id),
    status: 'pending',
    attempts: 0,
    completedAt: null,
  })
}

/**
 * Enabled endpoints of a tenant. Events emitted at the same time share one
 * query, which starts after all of them were emitted.
 */
const enabledEndpoints = new KeyedBatcher<number, null, WebhookEndpoint[]>(async (tenantId) =>
  WebhookEndpoint.forTenant(tenantId).where('enabled', true)
)

/** A delivery that `deliverEvent` stores. `body` serialises it once its id is known. */
interface NewDelivery {
  endpoint: WebhookEndpoint
  event: string
  body: (id: string) => string
}

/**
 * Deliveries of the events of a tenant emitted at the same time, such as
 * one `contact:updated` per contact added to a list. Each batch is stored
 * by one multi-row insert and enqueued in one Redis round trip. One
 * statement per batch matters on MariaDB, because each insert checks the
 * endpoint's foreign key and waits for the delivery jobs that update the
 * endpoint row.
 */
const newDeliveries = new KeyedBatcher<number, NewDelivery, void>(async (_tenantId, items) => {
  const createdAt = sqlTime()
  const rows = items.map(({ endpoint, event, body }) => {
    const id = randomUUID()
    return {
      id,
      tenant_id: endpoint.tenantId,
      endpoint_id: endpoint.id,
      event,
      body: body(id),
      status: 'pending',
      attempts: 0,
      created_at: createdAt,
      completed_at: null,
    }
  })
  await db.table(WebhookDelivery.table).multiInsert(rows)
  await enqueueDeliveries(rows.map((row) => ({ tenantId: row.tenant_id, deliveryId: row.id })))
})

/**
 * Makes one delivery per enabled endpoint of the event's tenant that
 * subscribed to the event, and enqueues each.
 */
export async function deliverEvent<Event extends DomainEventName>(
  event: Event,
  payload: DomainEvents[Event]
) {
  const endpoints = await enabledEndpoints.add(payload.tenantId, null)
  const subscribed = endpoints.filter((endpoint) => endpoint.events.includes(event))
  const body = (id: string) =>
    deliveryBody(id, event, payload.tenantId, payload.occurredAt, payload)
  await Promise.all(
    subscribed.map((endpoint) => newDeliveries.add(payload.tenantId, { endpoint, event, body }))
  )
  return subscribed.length
}

/**
 * Sends a `webhook:test` event to the endpoint once, whether it is on or
 * off. The target is checked here first, so a rejected URL is reported to
 * the member at once, and again by the job before the request.
 */
export async function sendTestDelivery(endpoint: WebhookEndpoint) {
  await resolveTarget(endpoint.url, webhooksConfig.allowPrivateTargets)
  const occurredAt = DateTime.utc().toISO()!
  const delivery = await createDelivery(endpoint, TEST_EVENT, (id) =>
    deliveryBody(id, TEST_EVENT, endpoint.tenantId, occurredAt, { endpointId: endpoint.id })
  )
  await enqueueDelivery({ tenantId: delivery.tenantId, deliveryId: delivery.id }, delivery.id, 1)
  return delivery
}

/**
 * Sends a delivery again, with the same id and the same body, as a new run
 * with its own retries.
 */
export async function redeliver(delivery: WebhookDelivery) {
  delivery.status = 'pending'
  delivery.completedAt = null
  await delivery.save()
  const jobId = `${delivery.id}-redeliver-${delivery.attempts}`
  const attempts = delivery.event === TEST_EVENT ? 1 : undefined
  await enqueueDelivery({ tenantId: delivery.tenantId, deliveryId: delivery.id }, jobId, attempts)
}

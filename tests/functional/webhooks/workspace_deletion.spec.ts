import { test } from '@japa/runner'
import WorkspaceDeletion from '#models/workspace_deletion'
import { markTenantForDeletion } from '#services/workspaces/workspace_exit'
import { deleteMarkedTenant } from '#services/workspaces/workspace_deletion'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import {
  createDelivery,
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
  type Receiver,
} from '#tests/helpers/webhooks'
import WebhookDelivery from '../../../plugins/webhooks/models/webhook_delivery.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'
import {
  deliveryQueue,
  enqueueDelivery,
} from '../../../plugins/webhooks/services/delivery_queue.js'

const original = { ...webhooksConfig }

/** How long the delivery of the deleted workspace waits in the queue, in milliseconds. */
const RETRY_DELAY_MS = 2000

/** Stores an endpoint and a delivery to it whose body names its tenant. */
async function storedDelivery(tenantId: number, url: string) {
  const endpoint = await createEndpoint(tenantId, url)
  return createDelivery(endpoint, JSON.stringify({ tenantId }))
}

/** Stores and queues a delivery, as the event subscriber does. */
async function queuedDelivery(tenantId: number, url: string) {
  const delivery = await storedDelivery(tenantId, url)
  await enqueueDelivery({ tenantId, deliveryId: delivery.id }, delivery.id)
  return delivery
}

/** Stores a delivery and queues it to run after RETRY_DELAY_MS, as a retry waits for its turn. */
async function delayedDelivery(tenantId: number, url: string) {
  const delivery = await storedDelivery(tenantId, url)
  const options = { jobId: delivery.id, delay: RETRY_DELAY_MS, attempts: 1 }
  await deliveryQueue().add('deliver', { tenantId, deliveryId: delivery.id }, options)
  return delivery
}

function tenantsReached(receiver: Receiver) {
  return receiver.requests.map((request) => JSON.parse(request.body.toString('utf8')).tenantId)
}

test.group('Webhooks of a deleted workspace', (group) => {
  group.each.setup(() => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true, backoffMs: 20 })
    return () => {
      Object.assign(webhooksConfig, original)
    }
  })

  test('queued delivery never reaches receiver', async ({ assert, cleanup }) => {
    const receiver = await startReceiver([200])
    cleanup(() => receiver.close())
    const doomed = await createTenantWithOwner('Doomed')
    const kept = await createTenantWithOwner('Kept')

    const stopWorker = await startWebhookWorker()
    cleanup(stopWorker)
    const queuedAt = Date.now()
    const waiting = await delayedDelivery(doomed.tenant.id, receiver.url)
    assert.equal(await deliveryQueue().getJobState(waiting.id), 'delayed')
    await markTenantForDeletion(doomed.tenant, doomed.owner)
    assert.isTrue(await deleteMarkedTenant(doomed.tenant.id))

    assert.isUndefined(await deliveryQueue().getJob(waiting.id))
    assert.isNull(await WebhookDelivery.find(waiting.id))
    const deletion = await WorkspaceDeletion.findByOrFail('workspaceId', doomed.tenant.id)
    // Finished jobs of the tenant go too, so an earlier run sharing the Redis prefix may add some.
    assert.isAtLeast(deletion.progress.plugins.webhooks.queuedDeliveries, 1)

    const keptDelivery = await queuedDelivery(kept.tenant.id, receiver.url)
    await waitFor(async () => {
      await keptDelivery.refresh()
      return keptDelivery.status === 'succeeded'
    }, 'the kept workspace delivery to succeed')
    // Past the time the removed job would have run.
    const wait = queuedAt + RETRY_DELAY_MS + 1000 - Date.now()
    await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0)))
    assert.deepEqual(tenantsReached(receiver), [kept.tenant.id])
  }).timeout(60_000)

  test('delivery started after the request stays home', async ({ assert, cleanup }) => {
    const receiver = await startReceiver([200])
    cleanup(() => receiver.close())
    const doomed = await createTenantWithOwner('Doomed')
    const kept = await createTenantWithOwner('Kept')
    const stopWorker = await startWebhookWorker()
    cleanup(stopWorker)

    // Marked but not deleted yet: the job may run before the deletion job removes it.
    await markTenantForDeletion(doomed.tenant, doomed.owner)
    const doomedDelivery = await queuedDelivery(doomed.tenant.id, receiver.url)
    await queuedDelivery(kept.tenant.id, receiver.url)

    await waitFor(() => receiver.requests.length >= 1, 'the kept workspace delivery')
    await waitFor(
      async () => (await deliveryQueue().getJobState(doomedDelivery.id)) === 'completed',
      'the doomed delivery job to end'
    )
    await doomedDelivery.refresh()
    assert.equal(doomedDelivery.attempts, 0)
    assert.deepEqual(tenantsReached(receiver), [kept.tenant.id])
  }).timeout(60_000)
})

import type { Worker } from 'bullmq'
import { definePlugin } from '#sdk'
import { WEBHOOK_EVENTS } from './validators.js'
import { initWebhooksContext } from './services/plugin_context.js'
import { deliverEvent } from './services/delivery_service.js'
import {
  closeDeliveryQueue,
  removeTenantDeliveries,
  startDeliveryWorker,
} from './services/delivery_queue.js'
import { processDelivery } from './services/delivery_runner.js'

const EndpointsController = () => import('./controllers/endpoints_controller.js')
const DeliveriesController = () => import('./controllers/deliveries_controller.js')

let worker: Worker | null = null

/**
 * Webhooks: per-tenant endpoints that receive the domain events they chose
 * as signed JSON POSTs, delivered by BullMQ jobs with retries.
 */
export default definePlugin({
  register(plugin) {
    initWebhooksContext(plugin)

    for (const event of WEBHOOK_EVENTS) {
      plugin.on(event, (payload) => deliverEvent(event, payload).then(() => undefined))
    }

    // NOTE: the list lives at /endpoints, not at the prefix itself, because in
    // development Vite's middleware serves this folder's index.ts at the bare
    // /plugins/webhooks before the router receives the request.
    plugin.nav({ label: 'webhooks.nav', path: '/endpoints', icon: '↗', ability: 'manageTenant' })

    // The core deletes the endpoint and delivery rows after this; the queued jobs are ours to remove.
    plugin.onTenantDeletion(async ({ tenantId }) => ({
      queuedDeliveries: await removeTenantDeliveries(tenantId),
    }))

    plugin.routes((router) => {
      router.get('/endpoints', [EndpointsController, 'index']).as('webhooks.index')
      router.post('/endpoints', [EndpointsController, 'store']).as('webhooks.store')
      router.get('/endpoints/:id', [EndpointsController, 'show']).as('webhooks.show')
      router.put('/endpoints/:id', [EndpointsController, 'update']).as('webhooks.update')
      router.delete('/endpoints/:id', [EndpointsController, 'destroy']).as('webhooks.destroy')
      router.post('/endpoints/:id/test', [EndpointsController, 'test']).as('webhooks.test')
      router.post('/endpoints/:id/reveal', [EndpointsController, 'reveal']).as('webhooks.reveal')
      router
        .post('/deliveries/:id/redeliver', [DeliveriesController, 'redeliver'])
        .as('webhooks.redeliver')
    })
  },

  boot(plugin, { roles }) {
    if (!roles.includes('worker')) {
      return
    }
    worker = startDeliveryWorker(processDelivery, plugin.logger)
    plugin.logger.info('webhook delivery worker started')
  },

  async shutdown() {
    await worker?.close()
    worker = null
    await closeDeliveryQueue()
  },
})

import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import env from '#start/env'
import ChannelInstance from '#models/channel_instance'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import {
  createDelivery,
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
} from '#tests/helpers/webhooks'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'
import { enqueueDelivery } from '../../../plugins/webhooks/services/delivery_queue.js'

const TOKEN = 'metrics-test-token'

async function scrape(client: ApiClient) {
  const response = await client.get('/metrics').header('Authorization', `Bearer ${TOKEN}`)
  response.assertStatus(200)
  return response.text()
}

/** Reads one sample of the exposition text, 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}) {
  for (const line of text.split('\n')) {
    const match = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/)
    if (!match || match[1] !== name) {
      continue
    }
    const present = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]])
    )
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) {
      return Number(match[3])
    }
  }
  return 0
}

async function sendMessages(tenantId: number, count: number, status: 'sent' | 'delivered') {
  await runInTenant(tenantId, async () => {
    const instance = await ChannelInstance.create({
      name: `Metrics ${Date.now()}`,
      channel: 'sandbox',
      status: 'open',
    })
    for (let index = 0; index < count; index++) {
      await Message.create({
        direction: 'out',
        instanceId: instance.id,
        providerMessageId: `METRICS${Date.now()}${index}`,
        address: '+5511999990000',
        status,
      })
    }
  })
}

test.group('Metrics endpoint', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.teardown(() => {
    env.set('METRICS_TOKEN', '')
    webhooksConfig.allowPrivateTargets = false
  })

  test('returns 404 without a configured token', async ({ client }) => {
    env.set('METRICS_TOKEN', '')
    const response = await client.get('/metrics').header('Authorization', 'Bearer anything')
    response.assertStatus(404)
  })

  test('rejects a wrong token', async ({ client }) => {
    env.set('METRICS_TOKEN', TOKEN)
    const missing = await client.get('/metrics')
    missing.assertStatus(401)
    const wrong = await client.get('/metrics').header('Authorization', 'Bearer wrong-token-value')
    wrong.assertStatus(401)
  })

  test('counters move between scrapes', async ({ client, assert }) => {
    env.set('METRICS_TOKEN', TOKEN)
    webhooksConfig.allowPrivateTargets = true
    const stopWorker = await startWebhookWorker()
    const receiver = await startReceiver([200])
    const { tenant } = await createTenantWithOwner()
    const before = await scrape(client)

    await sendMessages(tenant.id, 3, 'delivered')
    await sendMessages(tenant.id, 2, 'sent')
    const endpoint = await createEndpoint(tenant.id, receiver.url)
    const delivery = await createDelivery(endpoint, '{"event":"message:delivered"}')
    await enqueueDelivery({ tenantId: tenant.id, deliveryId: delivery.id }, delivery.id)
    await waitFor(async () => {
      await delivery.refresh()
      return delivery.status === 'succeeded'
    }, 'the delivery')
    await receiver.close()
    await stopWorker()
    const after = await scrape(client)

    const delivered = { status: 'delivered', channel: 'sandbox', direction: 'out' }
    const sent = { status: 'sent', channel: 'sandbox', direction: 'out' }
    assert.equal(
      sample(after, 'disparador_messages', delivered),
      sample(before, 'disparador_messages', delivered) + 3
    )
    assert.equal(
      sample(after, 'disparador_messages', sent),
      sample(before, 'disparador_messages', sent) + 2
    )

    const attempts = 'disparador_plugin_webhooks_delivery_attempts_total'
    assert.equal(
      sample(after, attempts, { result: 'success' }),
      sample(before, attempts, { result: 'success' }) + 1
    )

    const requests = 'disparador_http_request_duration_seconds_count'
    const route = { method: 'GET', route: '/metrics', status: '200' }
    assert.isAbove(sample(after, requests, route), sample(before, requests, route))

    const openInstances = { tenant_id: String(tenant.id), channel: 'sandbox', status: 'open' }
    assert.equal(sample(after, 'disparador_channel_instance_status', openInstances), 1)
    assert.match(after, /^disparador_queue_jobs\{queue="webhooks",state="waiting"\} \d+$/m)
    assert.match(after, /^disparador_queue_oldest_waiting_seconds\{queue="webhooks"\} [\d.]+$/m)
    assert.match(after, /^# TYPE disparador_journey_step_duration_seconds histogram$/m)
  })
})

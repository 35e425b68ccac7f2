import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import {
  createDelivery,
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
} from '#tests/helpers/webhooks'
import WebhookEndpoint from '../../../plugins/webhooks/models/webhook_endpoint.js'
import WebhookDelivery from '../../../plugins/webhooks/models/webhook_delivery.js'
import WebhookAttempt from '../../../plugins/webhooks/models/webhook_attempt.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'
import { enqueueDelivery } from '../../../plugins/webhooks/services/delivery_queue.js'
import { isBlockedAddress } from '#services/network/blocked_addresses'

const original = { ...webhooksConfig }

/** URLs no endpoint may target while private targets are off; `localhost` resolves to 127.0.0.1. */
const BLOCKED_URLS = [
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]:6379/',
  'http://127.0.0.1:6379/',
  'http://10.0.0.5/',
  'http://0.0.0.0/',
  'http://localhost:6379/',
  'http://[::ffff:127.0.0.1]:6379/',
  'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
]

test.group('Webhook targets', (group) => {
  let stopWorker: () => Promise<void>

  group.setup(async () => {
    stopWorker = await startWebhookWorker()
  })
  group.teardown(async () => {
    await stopWorker()
  })
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.teardown(() => {
    Object.assign(webhooksConfig, original)
  })

  test('blocked URLs are rejected on save', async ({ client, assert }) => {
    webhooksConfig.allowPrivateTargets = false
    const { tenant, owner } = await createTenantWithOwner()

    for (const url of BLOCKED_URLS) {
      const response = await client
        .post('/plugins/webhooks/endpoints')
        .json({ url, events: ['message:delivered'] })
        .accept('json')
        .loginAs(owner)
        .withCsrfToken()
      assert.equal(response.status(), 422, `${url} answered ${response.status()}`)
      const fields = response.body().errors.map((error: { field: string }) => error.field)
      assert.deepEqual(fields, ['url'], url)
    }
    const stored = await WebhookEndpoint.query().where('tenant_id', tenant.id)
    assert.lengthOf(stored, 0)
  })

  test('blocked URLs are rejected on test-send', async ({ client, assert }) => {
    webhooksConfig.allowPrivateTargets = false
    const { tenant, owner } = await createTenantWithOwner()

    for (const url of BLOCKED_URLS) {
      const endpoint = await createEndpoint(tenant.id, url)
      const response = await client
        .post(`/plugins/webhooks/endpoints/${endpoint.id}/test`)
        .accept('json')
        .loginAs(owner)
        .withCsrfToken()
      assert.equal(response.status(), 422, `${url} answered ${response.status()}`)
      assert.equal(response.body().errors[0].code, 'E_WEBHOOK_TARGET_REJECTED')
    }
    const deliveries = await WebhookDelivery.query().where('tenant_id', tenant.id)
    assert.lengthOf(deliveries, 0)
  })

  test('loopback receiver needs the switch', async ({ client, assert }) => {
    const receiver = await startReceiver([200])
    const { tenant, owner } = await createTenantWithOwner()
    const endpoint = await createEndpoint(tenant.id, receiver.url)

    webhooksConfig.allowPrivateTargets = false
    const rejectedSend = await client
      .post(`/plugins/webhooks/endpoints/${endpoint.id}/test`)
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()
    assert.equal(rejectedSend.status(), 422)

    // A delivery already queued is checked again by the job, before any connection.
    const queued = await createDelivery(endpoint, '{"event":"message:delivered"}')
    await enqueueDelivery({ tenantId: tenant.id, deliveryId: queued.id }, queued.id)
    await waitFor(async () => {
      await queued.refresh()
      return queued.status === 'failed'
    }, 'the job to reject the target')
    const [rejected] = await WebhookAttempt.query().where('delivery_id', queued.id)
    assert.isNull(rejected.statusCode)
    assert.include(rejected.error, '127.0.0.1')
    assert.equal(rejected.failure, 'address_not_allowed')
    assert.lengthOf(receiver.requests, 0)

    webhooksConfig.allowPrivateTargets = true
    const allowed = await client
      .post(`/plugins/webhooks/endpoints/${endpoint.id}/test`)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(allowed.status(), 302)
    await waitFor(() => receiver.requests.length === 1, 'the test event')
    await receiver.close()
    assert.equal(receiver.requests[0].headers['x-disparador-event'], 'webhook:test')
  })

  test('address ranges', ({ assert }) => {
    const blocked = [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '::',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:a00:5',
      '::ffff:192.168.0.1',
      '100.100.100.200',
      '192.0.0.8',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
      'ff02::1',
      '64:ff9b::7f00:1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::808:808',
      '2002:7f00:1::1',
      '2002:c0a8:101::',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    ]
    const allowed = [
      '8.8.8.8',
      '100.63.0.1',
      '100.128.0.1',
      '172.32.0.1',
      '192.169.0.1',
      '2001:4860:4860::8888',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ]
    for (const address of blocked) {
      assert.isTrue(isBlockedAddress(address), address)
    }
    for (const address of allowed) {
      assert.isFalse(isBlockedAddress(address), address)
    }
  })
})

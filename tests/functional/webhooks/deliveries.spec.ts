import { createHmac } from 'node:crypto'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { emitDomainEvent } from '#events/domain_events'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { clearMailbox, mailsTo } from '#tests/helpers/mailbox'
import {
  createDelivery,
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
} from '#tests/helpers/webhooks'
import WebhookDelivery from '../../../plugins/webhooks/models/webhook_delivery.js'
import WebhookAttempt from '../../../plugins/webhooks/models/webhook_attempt.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'
import { enqueueDelivery } from '../../../plugins/webhooks/services/delivery_queue.js'
import { verifySignature } from '../../../plugins/webhooks/services/signature.js'

const original = { ...webhooksConfig }

function deliveredEvent(tenantId: number) {
  return {
    tenantId,
    messageId: 41,
    contactId: 7,
    campaignId: 3,
    instanceId: 2,
    providerMessageId: '3EB0C767D26A1D4E5B8C',
  }
}

/** Checks a signature as a receiver does, over the raw bytes as they arrived. */
function receiverVerifies(secret: string, header: string, raw: Buffer) {
  const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=')))
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest('hex')
  return expected === v1
}

test.group('Webhook deliveries', (group) => {
  let stopWorker: () => Promise<void>

  group.setup(async () => {
    stopWorker = await startWebhookWorker()
  })
  group.teardown(async () => {
    await stopWorker()
  })
  group.each.setup(() => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true, backoffMs: 20 })
    return testUtils.db().wrapInGlobalTransaction()
  })
  group.each.teardown(() => {
    Object.assign(webhooksConfig, original)
  })

  test('retry resends the same id and body', async ({ assert }) => {
    const receiver = await startReceiver([500, 200])
    const { tenant } = await createTenantWithOwner()
    const endpoint = await createEndpoint(tenant.id, receiver.url)

    await emitDomainEvent('message:delivered', deliveredEvent(tenant.id))
    await waitFor(() => receiver.requests.length >= 2, 'two attempts')
    await receiver.close()

    const [first, second] = receiver.requests
    assert.isString(first.headers['x-disparador-delivery'])
    assert.equal(first.headers['x-disparador-delivery'], second.headers['x-disparador-delivery'])
    assert.isTrue(first.body.equals(second.body))
    assert.equal(first.headers['x-disparador-event'], 'message:delivered')

    const body = JSON.parse(first.body.toString('utf8'))
    assert.equal(body.id, first.headers['x-disparador-delivery'])
    assert.equal(body.event, 'message:delivered')
    assert.equal(body.data.messageId, 41)
    for (const request of receiver.requests) {
      const header = String(request.headers['x-disparador-signature'])
      assert.isTrue(verifySignature('s3cr3t', header, request.body))
    }

    const delivery = await WebhookDelivery.findByOrFail('endpoint_id', endpoint.id)
    await waitFor(async () => {
      await delivery.refresh()
      return delivery.status === 'succeeded'
    }, 'success')
    const attempts = await WebhookAttempt.query()
      .where('delivery_id', delivery.id)
      .orderBy('attempt')
    assert.deepEqual(
      attempts.map((attempt) => attempt.statusCode),
      [500, 200]
    )
    assert.equal(attempts[0].responseSnippet, 'answer 1: 500')
    assert.isAtLeast(attempts[1].durationMs, 0)
  })

  test('signature covers the raw bytes', async ({ assert }) => {
    const receiver = await startReceiver([200])
    const { tenant } = await createTenantWithOwner()
    const endpoint = await createEndpoint(tenant.id, receiver.url, 's3cr3t')
    const body = '{"id":"d-1","data":{"name":"João",  "city":"Recife"}}'
    const delivery = await createDelivery(endpoint, body)

    await enqueueDelivery({ tenantId: tenant.id, deliveryId: delivery.id }, delivery.id)
    await waitFor(() => receiver.requests.length === 1, 'the request')
    await receiver.close()

    const [request] = receiver.requests
    const header = String(request.headers['x-disparador-signature'])
    assert.isTrue(request.body.equals(Buffer.from(body, 'utf8')))
    assert.isTrue(receiverVerifies('s3cr3t', header, request.body))
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(request.body.toString('utf8'))))
    assert.isFalse(receiverVerifies('s3cr3t', header, reserialised))
    assert.isFalse(receiverVerifies('other', header, request.body))
  })

  test('failing endpoint is disabled and admins told', async ({ assert }) => {
    Object.assign(webhooksConfig, { maxAttempts: 1, disableAfterFailedDeliveries: 2 })
    await clearMailbox()
    const receiver = await startReceiver([503])
    const { tenant, owner } = await createTenantWithOwner()
    // An owner who follows the browser gets the mail in the workspace's language.
    tenant.locale = 'pt-BR'
    await tenant.save()
    const endpoint = await createEndpoint(tenant.id, receiver.url)

    await emitDomainEvent('message:delivered', deliveredEvent(tenant.id))
    await waitFor(() => receiver.requests.length === 1, 'the first delivery')
    await emitDomainEvent('message:delivered', deliveredEvent(tenant.id))
    await waitFor(async () => {
      await endpoint.refresh()
      return !endpoint.enabled
    }, 'the endpoint to be disabled')

    assert.equal(endpoint.failedDeliveriesInRow, 2)
    assert.isNotNull(endpoint.disabledForFailuresAt)
    let mails: Awaited<ReturnType<typeof mailsTo>> = []
    await waitFor(async () => {
      mails = await mailsTo(owner.email)
      return mails.length === 1
    }, 'the mail')
    const [mail] = mails
    assert.equal(mail.subject, `Endpoint de webhook desativado: ${receiver.url}`)

    await emitDomainEvent('message:delivered', deliveredEvent(tenant.id))
    const deliveries = await WebhookDelivery.query().where('endpoint_id', endpoint.id)
    assert.lengthOf(deliveries, 2)
    await receiver.close()
    assert.lengthOf(receiver.requests, 2)
  })
})

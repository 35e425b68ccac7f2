import { setTimeout as sleep } from 'node:timers/promises'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { performAction } from '#services/channels/instance_service'
import { createOutboundMessage } from '#services/channels/message_service'
import { enqueueOutbound } from '#services/channels/outbound_queue'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createContactIn } from '#tests/helpers/api'
import {
  pairedSandbox,
  sandboxSendCount,
  startChannelsRole,
  waitFor,
  waitForMessageStatus,
} from '#tests/helpers/channels'
import { createEndpoint, startReceiver, startWebhookWorker } from '#tests/helpers/webhooks'
import WebhookDelivery from '../../../plugins/webhooks/models/webhook_delivery.js'
import { webhooksConfig } from '../../../plugins/webhooks/config.js'

const original = { ...webhooksConfig }
const STATUS_EVENTS = ['message:sent', 'message:delivered', 'message:read'] as const

test.group('Webhook message events', (group) => {
  let role: ChannelsRole
  let stopWorker: () => Promise<void>

  group.setup(async () => {
    Object.assign(webhooksConfig, { allowPrivateTargets: true, backoffMs: 20 })
    role = await startChannelsRole()
    stopWorker = await startWebhookWorker()
    return async () => {
      await stopWorker()
      await role.stop()
      Object.assign(webhooksConfig, original)
    }
  })

  test('read before sent delivers each step once', async ({ assert, cleanup }) => {
    const receiver = await startReceiver([200])
    cleanup(() => receiver.close())
    const { tenant } = await createTenantWithOwner()
    const endpoint = await createEndpoint(tenant.id, receiver.url)
    endpoint.events = [...STATUS_EVENTS]
    await endpoint.save()
    const contact = await createContactIn(tenant.id)
    // The sandbox records the send, then waits `sentDelayMs` before it reports the
    // send accepted, so a receipt pushed in that window overtakes `sent`.
    const instance = await pairedSandbox(tenant.id, {
      sentDelayMs: 1500,
      deliveredDelayMs: 0,
      readDelayMs: 0,
    })
    const message = await runInTenant(tenant.id, async () => {
      const created = await createOutboundMessage({
        instance,
        address: contact.phone,
        body: 'Hi',
        contactId: contact.id,
      })
      await enqueueOutbound(created)
      return created
    })
    await waitFor(
      async () => (await sandboxSendCount(instance.id, message.providerMessageId)) === 1,
      'the sandbox to record the send'
    )

    await runInTenant(tenant.id, () =>
      performAction(instance, 'receipt', {
        providerMessageId: message.providerMessageId,
        status: 'read',
      })
    )
    const read = await waitForMessageStatus(message, 'read')
    await waitFor(async () => {
      const send = await db
        .from('sandbox_sends')
        .where('instance_id', instance.id)
        .where('provider_message_id', message.providerMessageId)
        .whereNotNull('read_at')
        .first()
      return Boolean(send)
    }, 'the sandbox to report its own receipts')
    // The sandbox stores a receipt as reported while the receipt is still being applied.
    await sleep(500)
    await waitFor(async () => receiver.requests.length >= 3, 'three deliveries')
    await waitFor(async () => {
      const pending = await WebhookDelivery.query()
        .where('endpoint_id', endpoint.id)
        .whereNot('status', 'succeeded')
      return pending.length === 0
    }, 'every delivery to finish')

    const bodies = receiver.requests.map((request) => JSON.parse(request.body.toString('utf8')))
    const events = bodies.map((body) => body.event).sort()
    assert.deepEqual(events, [...STATUS_EVENTS].sort())
    const readAt = read.readAt!.toUTC().toISO()
    for (const body of bodies) {
      assert.equal(body.data.messageId, message.id, body.event)
      assert.equal(body.occurredAt, readAt, body.event)
    }
    const stored = await WebhookDelivery.query()
      .where('endpoint_id', endpoint.id)
      .orderBy('created_at')
      .orderBy('id')
    assert.lengthOf(stored, 3)
  })
})

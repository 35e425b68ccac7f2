import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import pluginHost from '#plugins/main'
import ChannelInstance from '#models/channel_instance'
import Message from '#models/message'
import { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance, performAction, requestConnect } from '#services/channels/instance_service'
import { createOutboundMessage } from '#services/channels/message_service'
import { enqueueOutbound } from '#services/channels/outbound_queue'
import { bucketOf } from '../../plugins/sandbox/sandbox_driver.js'

/** Starts a channels role in the test process, with a short lease. */
export async function startChannelsRole(leaseTtlMs = 3000) {
  const role = new ChannelsRole(logger.child({ role: 'channels' }), pluginHost, { leaseTtlMs })
  await role.start()
  return role
}

/** Polls `probe` every 50 ms until it returns a truthy value, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value) {
      return value
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

export function loadInstance(tenantId: number, instanceId: number) {
  return runInTenant(tenantId, () => ChannelInstance.findOrFail(instanceId))
}

export async function waitForStatus(tenantId: number, instanceId: number, status: string) {
  return waitFor(async () => {
    const instance = await loadInstance(tenantId, instanceId)
    return instance.status === status ? instance : null
  }, `instance ${instanceId} to reach "${status}"`)
}

/**
 * Creates a sandbox instance, connects it and scans its QR code, the way the
 * phone simulator does. Needs a running channels role.
 */
export async function pairedSandbox(tenantId: number, config: Record<string, unknown> = {}) {
  const instance = await runInTenant(tenantId, () =>
    createInstance({ name: `Sandbox ${Date.now()}`, channel: 'sandbox', config })
  )
  await runInTenant(tenantId, () => requestConnect(instance))
  const pairing = await waitForStatus(tenantId, instance.id, 'qr')
  await runInTenant(tenantId, () =>
    performAction(instance, 'scan', {
      qr: pairing.pairing!.kind === 'qr' ? pairing.pairing!.qr : '',
    })
  )
  return waitForStatus(tenantId, instance.id, 'open')
}

/** Creates and enqueues an outbound message to `address`. */
export async function queueMessage(instance: ChannelInstance, address: string, body = 'Hello') {
  return runInTenant(instance.tenantId, async () => {
    const message = await createOutboundMessage({ instance, address, body })
    await enqueueOutbound(message)
    return message
  })
}

export async function waitForMessageStatus(message: Message, status: string) {
  return waitFor(async () => {
    const fresh = await runInTenant(message.tenantId, () => Message.findOrFail(message.id))
    return fresh.status === status ? fresh : null
  }, `message ${message.id} to reach "${status}"`)
}

/** Rows the sandbox recorded for a provider message id. */
export async function sandboxSendCount(instanceId: number, providerMessageId?: string) {
  const query = db.from('sandbox_sends').where('instance_id', instanceId)
  if (providerMessageId) {
    query.where('provider_message_id', providerMessageId)
  }
  const [{ total }] = await query.count('* as total')
  return Number(total)
}

/**
 * A valid E.164 number whose sandbox bucket is below `percent` when `below`,
 * else at or above it: a number the sandbox treats as not on WhatsApp, or as
 * on WhatsApp, at that `notOnWhatsAppPercent`.
 */
export function numberInBucket(percent: number, below: boolean) {
  for (let suffix = 1000; suffix < 9999; suffix++) {
    const candidate = `+55119876${suffix}`
    if (bucketOf(candidate) < percent === below) {
      return candidate
    }
  }
  throw new Error(`no number found with a sandbox bucket ${below ? 'below' : 'from'} ${percent}`)
}

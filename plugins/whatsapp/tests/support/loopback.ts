import { TERMINAL_STATUSES, db, runInTenant } from '#sdk'
import { createInstance, requestConnect } from '#services/channels/instance_service'
import { loadInstance, waitForStatus } from '#tests/helpers/channels'
import {
  startWhatsAppPeer,
  peerCertificate,
  type WhatsAppPeer,
  type WhatsAppPeerOptions,
} from '#tests/support/whatsapp_peer/index'

/**
 * Starts the loopback WhatsApp Web peer on 127.0.0.1 and points every
 * WhatsApp instance of this process at it: its WebSocket URL and its test
 * certificate root, through the same settings an install uses.
 */
export async function startLoopbackPeer(options: WhatsAppPeerOptions = {}): Promise<WhatsAppPeer> {
  const peer = await startWhatsAppPeer(options)
  process.env.WHATSAPP_WEBSOCKET_URL = peer.url
  process.env.WHATSAPP_TEST_ROOT_PUBLIC_KEY = peerCertificate.PUBLIC_KEY.toString('hex')
  process.env.WHATSAPP_TEST_ROOT_SERIAL = String(peerCertificate.SERIAL)
  return peer
}

/** Polls `probe` every 25 ms until it returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value) {
      return value
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * Creates a WhatsApp instance in the tenant, connects it through a running
 * channels role and links it by scanning its QR code on the peer, as the
 * phone of `phone`. Resolves with the instance once `open`.
 */
export async function pairedWhatsApp(
  peer: WhatsAppPeer,
  tenantId: number,
  phone: string,
  config: Record<string, unknown> = { reconnectBaseMs: 50, reconnectMaxMs: 500 }
) {
  const instance = await runInTenant(tenantId, () =>
    createInstance({ name: `WhatsApp ${phone}`, channel: 'whatsapp', config })
  )
  await runInTenant(tenantId, () => requestConnect(instance))
  const pairing = await waitForStatus(tenantId, instance.id, 'qr')
  if (pairing.pairing?.kind !== 'qr') {
    throw new Error(`instance ${instance.id} shows no QR code`)
  }
  await peer.scanQr(pairing.pairing.qr, { phone })
  return waitForStatus(tenantId, instance.id, 'open')
}

/** The device JID the instance is linked as, read from its pairing marker. */
export async function linkedJid(tenantId: number, instanceId: number) {
  const instance = await loadInstance(tenantId, instanceId)
  const marker = instance.readCredentials()
  if (typeof marker?.linkedAs !== 'string') {
    throw new Error(`instance ${instanceId} has no pairing marker`)
  }
  return marker.linkedAs
}

/**
 * Marks every WhatsApp instance left live by a test as closed, so a
 * channels process started later in the run does not take them over.
 */
export async function closeWhatsAppInstances() {
  await db
    .from('channel_instances')
    .where('channel', 'whatsapp')
    .whereNotIn('status', TERMINAL_STATUSES)
    .update({ status: 'closed' })
}

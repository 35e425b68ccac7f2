/**
 * Runs the loopback WhatsApp Web peer in a process of its own for
 * `bench/whatsapp_instances.ts`, so the peer's memory does not count in
 * the channels process's figures. The parent drives it over IPC: each
 * request `{ id, action, ... }` gets `{ id, result }` or `{ id, error }`.
 */
import { startWhatsAppPeer, peerCertificate } from '#tests/support/whatsapp_peer/index'

const peer = await startWhatsAppPeer({ qrRefs: 6 })

type Request =
  | { id: number; action: 'addContact'; phone: string }
  | { id: number; action: 'scanQr'; qr: string; phone: string }
  | { id: number; action: 'received'; phone: string }
  | { id: number; action: 'close' }

async function handle(request: Request) {
  if (request.action === 'addContact') {
    peer.addContact({ phone: request.phone })
    return null
  }
  if (request.action === 'scanQr') {
    return peer.scanQr(request.qr, { phone: request.phone })
  }
  if (request.action === 'received') {
    return peer.contact(request.phone).messages.length
  }
  await peer.close()
  setImmediate(() => process.exit(0))
  return null
}

process.on('message', (request: Request) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, result }),
    (error: Error) => process.send!({ id: request.id, error: error.message })
  )
})

process.send!({
  ready: true,
  url: peer.url,
  rootKey: peerCertificate.PUBLIC_KEY.toString('hex'),
  serial: peerCertificate.SERIAL,
})

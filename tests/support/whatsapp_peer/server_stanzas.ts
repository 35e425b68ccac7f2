import { deflateSync } from 'node:zlib'
import { proto, S_WHATSAPP_NET, type BinaryNode } from '@whiskeysockets/baileys'
import { companionAddress, randomMessageId, type Companion } from './accounts.js'
import type { PeerConnection } from './connection.js'
import { unixSeconds } from './stanzas.js'

/** Disconnect reasons the peer can send, by Baileys' `DisconnectReason` status code. */
export const DISCONNECT_CODES = [401, 403, 405, 408, 411, 428, 440, 500, 503, 515] as const
export type DisconnectCode = (typeof DISCONNECT_CODES)[number]

/** Builds the stanza WhatsApp's server sends for each disconnect reason Baileys distinguishes. */
export function disconnectStanza(code: DisconnectCode): BinaryNode {
  switch (code) {
    case 401:
      return {
        tag: 'stream:error',
        attrs: { code: '401' },
        content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }],
      }
    case 440:
      return replacedStanza()
    case 403:
    case 405:
      return { tag: 'failure', attrs: { reason: code.toString(), location: 'loopback' } }
    case 411:
      return {
        tag: 'ib',
        attrs: { from: S_WHATSAPP_NET },
        content: [{ tag: 'downgrade_webclient', attrs: {} }],
      }
    default:
      return { tag: 'stream:error', attrs: { code: code.toString() } }
  }
}

/** Builds the stream error that ends a session another login of the same device replaced. */
export function replacedStanza(): BinaryNode {
  return {
    tag: 'stream:error',
    attrs: {},
    content: [{ tag: 'conflict', attrs: { type: 'replaced' } }],
  }
}

/**
 * Sends an initial-bootstrap history sync from the phone. Its payload is
 * inline, so Baileys needs no media download, and it contains the lid
 * mappings given.
 */
export async function sendHistorySync(
  connection: PeerConnection,
  companion: Companion,
  lidMappings: { pnJid: string; lidJid: string }[]
) {
  const account = companion.account
  const history = proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    conversations: [],
    phoneNumberToLidMappings: lidMappings,
  }).finish()
  const payload = await account.phone.encryptMessage(
    companionAddress(companion),
    {
      protocolMessage: {
        type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification: {
          syncType: proto.Message.HistorySyncType.INITIAL_BOOTSTRAP,
          chunkOrder: 1,
          progress: 100,
          initialHistBootstrapInlinePayload: deflateSync(history),
        },
      },
    },
    () => companion.takeBundle()
  )
  await connection.send({
    tag: 'message',
    attrs: { from: account.jid, id: randomMessageId(), type: 'text', t: unixSeconds() },
    content: [{ tag: 'enc', attrs: { v: '2', type: payload.type }, content: payload.ciphertext }],
  })
}

import { getBinaryNodeChild, type BinaryNode, type proto } from '@whiskeysockets/baileys'
import { companionAddress, type Account, type Companion } from './accounts.js'
import type { PeerConnection } from './connection.js'
import type { WhatsAppPeer } from './peer.js'
import { children, unixSeconds } from './stanzas.js'

/** Ack error for a new chat from a restricted account (Baileys' `MessageAccountRestriction`). */
const RESTRICTED_NEW_CHAT_ERROR = 463

/** Returns the text of a plain or extended text message, unwrapping a device-sent copy. */
export function messageText(message: proto.IMessage): string | undefined {
  const body = message.deviceSentMessage?.message ?? message
  return body.conversation ?? body.extendedTextMessage?.text ?? undefined
}

function encNode(node: BinaryNode): BinaryNode | undefined {
  const enc = getBinaryNodeChild(node, 'enc')
  return enc?.content instanceof Uint8Array ? enc : undefined
}

/**
 * Lists the encrypted copies of a message by device: one per
 * `<participants><to>`, or a single `<enc>` for the `to` device when Baileys
 * resends to one device after a retry receipt.
 * NOTE: simulated contacts ask for retries from device 0, and Baileys
 * replies to those with a full resend, so no test reaches the single `<enc>` form yet.
 */
function encryptedCopies(stanza: BinaryNode) {
  const direct = encNode(stanza)
  if (direct) {
    return [{ deviceJid: stanza.attrs.to, enc: direct }]
  }
  return children(getBinaryNodeChild(stanza, 'participants'), 'to').map((participant) => ({
    deviceJid: participant.attrs.jid,
    enc: encNode(participant),
  }))
}

/**
 * Decrypts the copy addressed to a simulated phone. A contact's phone
 * records the message; the sender's own phone only keeps its session in step.
 */
async function receiveOnPhone(
  peer: WhatsAppPeer,
  sender: Companion,
  stanza: BinaryNode,
  deviceJid: string,
  enc: BinaryNode
) {
  const device = peer.deviceOf(deviceJid)!
  const type = enc.attrs.type === 'pkmsg' ? 'pkmsg' : 'msg'
  const message = await device.account.phone.decryptMessage(companionAddress(sender), {
    type,
    ciphertext: Buffer.from(enc.content as Uint8Array),
  })
  const contact = device.account === sender.account ? undefined : peer.contactOf(device.account)
  if (!contact) {
    return
  }
  contact.recordMessage({
    id: stanza.attrs.id,
    from: sender.jid,
    to: stanza.attrs.to,
    type,
    message,
    text: messageText(message),
    media: await peer.media?.decryptMedia(message.deviceSentMessage?.message ?? message),
  })
}

/** Error code of the server ack for a message from `sender` to `recipient`, if it fails. */
function ackErrorFor(peer: WhatsAppPeer, sender: Companion, recipient: Account | undefined) {
  if (!recipient) {
    return 404
  }
  const contact = peer.contactOf(recipient)
  if (contact?.ackError) {
    return contact.ackError
  }
  const ownChat = recipient === sender.account
  if (sender.account.restricted && !ownChat && !sender.account.chats.has(recipient.user)) {
    return RESTRICTED_NEW_CHAT_ERROR
  }
}

/**
 * Handles a `<message>` a companion sends: acks it (with the contact's error
 * code when one is set, and then delivers nothing), decrypts the copies for
 * simulated phones and forwards the copies for other companions.
 */
export async function routeCompanionMessage(
  peer: WhatsAppPeer,
  connection: PeerConnection,
  sender: Companion,
  stanza: BinaryNode
) {
  const { id, to } = stanza.attrs
  const recipient = peer.findAccountByJid(to)
  const ack: BinaryNode = {
    tag: 'ack',
    attrs: { class: 'message', id, from: to, t: unixSeconds() },
  }
  const ackError = ackErrorFor(peer, sender, recipient)
  if (ackError) {
    await connection.send({ ...ack, attrs: { ...ack.attrs, error: ackError.toString() } })
    return
  }

  for (const { deviceJid, enc } of encryptedCopies(stanza)) {
    const device = peer.deviceOf(deviceJid)
    if (!enc || !device) {
      peer.log.warn({ id, deviceJid }, 'whatsapp peer dropped a copy for an unknown device')
      continue
    }
    if (device.companion) {
      await peer.deliver(device.companion, {
        tag: 'message',
        attrs: { from: sender.jid, recipient: to, id, type: stanza.attrs.type, t: unixSeconds() },
        content: [enc],
      })
      continue
    }
    try {
      await receiveOnPhone(peer, sender, stanza, deviceJid, enc)
    } catch (error) {
      const contact = device.account === sender.account ? undefined : peer.contactOf(device.account)
      peer.log.warn({ err: error, id, deviceJid }, 'whatsapp peer failed to decrypt a message')
      if (contact) {
        contact.decryptionErrors.push(error)
        await contact.requestRetry(sender, stanza)
      } else {
        peer.errors.push(error)
      }
    }
  }
  await connection.send(ack)
}

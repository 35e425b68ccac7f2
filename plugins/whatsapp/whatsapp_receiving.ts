import type { DeliveryReceipt, InboundMessage, Logger } from '#sdk'
import type { SocketMessage, SocketStatusUpdate, WhatsAppSocket } from './baileys_adapter.js'
import { baileys } from './baileys_loader.js'
import type { LidContacts } from './lid_contacts.js'
import { receiptFromStatus } from './receipt_mapping.js'
import { InboundDeduplicator } from './inbound_dedup.js'
import { senderAddress } from './sender_address.js'
import type { HealthReport } from './whatsapp_health.js'

/** The parts of the driver that receiving uses: the LID store, the live socket and its emitters. */
export interface ReceivingHost {
  readonly logger: Logger
  readonly lids: LidContacts
  socket(): WhatsAppSocket | null
  emitInbound(message: InboundMessage): void
  emitReceipt(receipt: DeliveryReceipt): void
  reportHealth(report: HealthReport): void
}

/**
 * Turns the socket's message, status and LID mapping events into the
 * driver's inbound messages and delivery receipts: replies in one-to-one
 * chats once each, receipts of the number's own messages, and the
 * restrictions some receipts reveal.
 */
export class WhatsAppReceiver {
  #dedup = new InboundDeduplicator()

  constructor(private host: ReceivingHost) {}

  onMessages(_type: 'notify' | 'append', messages: SocketMessage[]) {
    for (const message of messages) {
      if (message.fromMe) {
        if (message.status !== null) {
          this.#emitStatus(message.id, message.status, message.stubParameters)
        }
        continue
      }
      // `append` carries the messages WhatsApp held while the number was
      // offline (Baileys 7 marks offline deliveries so), which are replies too.
      if (!this.#isReply(message)) {
        continue
      }
      if (!this.#dedup.first(message.remoteJid, message.participant, message.id)) {
        continue
      }
      this.#inbound(message).catch((error) => {
        this.host.logger.error({ err: error, messageId: message.id }, 'whatsapp inbound failed')
      })
    }
  }

  /** Whether a message is a contact's text or media in a one-to-one chat. */
  #isReply(message: SocketMessage) {
    if (message.empty || (message.text === null && message.media === null)) {
      return false
    }
    return this.#isDirectChat(message.remoteJid)
  }

  /** Only one-to-one chats reach conversations: groups, status posts and channels do not. */
  #isDirectChat(jid: string) {
    return jid.endsWith('@s.whatsapp.net') || jid.endsWith('@lid') || jid.endsWith('@c.us')
  }

  async #inbound(message: SocketMessage) {
    const sender = await senderAddress(message.remoteJid, message.remoteJidAlt, {
      lids: this.host.lids,
      socket: this.host.socket(),
    })
    this.host.emitInbound({
      providerMessageId: message.id,
      from: sender.from,
      aliases: sender.aliases,
      fromName: message.pushName,
      text: message.text,
      media: message.media,
      receivedAt: message.timestamp,
      inReplyTo: message.quotedId,
    })
  }

  onStatuses(updates: SocketStatusUpdate[]) {
    for (const update of updates) {
      if (update.fromMe) {
        this.#emitStatus(update.id, update.status, update.stubParameters)
      }
    }
  }

  #emitStatus(id: string, status: number, stubParameters: string[]) {
    const receipt = receiptFromStatus(status, stubParameters)
    if (!receipt) {
      return
    }
    this.host.emitReceipt({
      providerMessageId: id,
      status: receipt.status,
      at: new Date(),
      code: receipt.code,
      reason: receipt.reason,
    })
    if (receipt.restriction) {
      this.host.reportHealth({
        state: 'restricted',
        code: receipt.code!,
        reason: receipt.reason!,
        until: null,
      })
    }
  }

  onLidMappings(mappings: { lid: string; pn: string }[]) {
    const { jidPhone, userJid } = baileys()
    for (const { lid, pn } of mappings) {
      const phone = jidPhone(userJid(pn))
      if (!phone) {
        continue
      }
      this.host.lids.remember(userJid(lid), phone).catch((error) => {
        this.host.logger.warn({ err: error }, 'whatsapp lid mapping not stored')
      })
    }
  }
}

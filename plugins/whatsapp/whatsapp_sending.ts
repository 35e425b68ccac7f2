import {
  ChannelRateLimitedError,
  InstanceNotConnectedError,
  InvalidRecipientError,
  NotOnWhatsAppError,
  SendTimeoutError,
  maskAddress,
  type AccountHealthEvent,
  type ChannelStatus,
  type Logger,
  type OutboundMessage,
  type SendResult,
} from '#sdk'
import type { WhatsAppSocket } from './baileys_adapter.js'
import { baileys, loadBaileys } from './baileys_loader.js'
import type { SentMessageStore } from './sent_messages.js'
import type { LidContacts } from './lid_contacts.js'
import { NotInstanceOwnerError } from './instance_owner.js'
import type { RecipientResolver } from './recipient_resolver.js'
import { RESTRICTION_CODES } from './receipt_mapping.js'
import type { WhatsAppConfig } from './whatsapp_config.js'
import { outboundContent } from './outbound_content.js'
import { MAX_MEDIA_URL_BYTES } from './remote_media.js'
import { mediaUrlSettings } from './whatsapp_settings.js'

export const E164 = /^\+[1-9]\d{6,14}$/

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The parts of the driver that sending uses: the stores, the live socket and its status. */
export interface SendingHost {
  readonly instanceId: number
  readonly logger: Logger
  readonly config: WhatsAppConfig
  readonly sent: SentMessageStore
  readonly lids: LidContacts
  readonly resolver: RecipientResolver
  status(): ChannelStatus
  socket(): WhatsAppSocket | null
  reportHealth(report: Omit<AccountHealthEvent, 'at'>): void
}

/**
 * Sends the outbound messages of one WhatsApp instance: checks the
 * recipient, recognises a repeated send, looks the number up, shows
 * typing, and records what left for retry receipts.
 */
export class WhatsAppSender {
  constructor(private host: SendingHost) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const socket = this.host.socket()
    if (this.host.status() !== 'open' || !socket) {
      throw new InstanceNotConnectedError(this.host.instanceId, this.host.status())
    }
    if (!E164.test(message.to)) {
      throw new InvalidRecipientError(
        maskAddress(message.to),
        'a phone number in E.164, such as +5511987654321'
      )
    }

    // A retry after a crash that followed the send: WhatsApp already has it.
    const alreadySentAt = await this.host.sent.sentAt(message.providerMessageId)
    if (alreadySentAt) {
      this.host.logger.info(
        { providerMessageId: message.providerMessageId },
        'repeated whatsapp send recognised, not sent again'
      )
      return { providerMessageId: message.providerMessageId, sentAt: alreadySentAt }
    }

    const recipient = await this.#resolve(message.to)
    if (!recipient.exists || !recipient.jid) {
      throw new NotOnWhatsAppError(maskAddress(message.to))
    }
    if (recipient.lid) {
      await this.host.lids.remember(baileys().userJid(recipient.lid), message.to)
    }

    await this.#showTyping(socket, recipient.jid)
    const content = await outboundContent(message, {
      ...mediaUrlSettings(),
      maxBytes: MAX_MEDIA_URL_BYTES,
      timeoutMs: this.host.config.sendTimeoutMs,
    })
    const sent = await withTimeout(
      socket.send(recipient.jid, content, message.providerMessageId),
      this.host.config.sendTimeoutMs,
      () => new SendTimeoutError(message.providerMessageId, this.host.config.sendTimeoutMs)
    )
    await this.#recordSent(sent)
    return { providerMessageId: sent.id, sentAt: sent.timestamp }
  }

  /**
   * Stores a sent message's content for retry receipts. The message has
   * already left, so a write rejected for a lost lease is logged and the
   * send still succeeds, because failing it would make the next owner send
   * it again.
   */
  async #recordSent(sent: { id: string; remoteJid: string; content: Uint8Array }) {
    try {
      await this.host.sent.record(sent.id, sent.remoteJid, sent.content)
    } catch (error) {
      if (!(error instanceof NotInstanceOwnerError)) {
        throw error
      }
      // NOTE: the next owner has no content for this id, so a retry
      // receipt for it gets no resend.
      this.host.logger.warn(
        { providerMessageId: sent.id },
        'whatsapp sent message not stored: the instance lease was lost'
      )
    }
  }

  /** Looks the number up on WhatsApp; a rate limit pauses the number's campaign sends. */
  async #resolve(phone: string) {
    try {
      return await this.host.resolver.resolve(phone)
    } catch (error) {
      const { queryErrorCode } = await loadBaileys()
      if (queryErrorCode(error) !== 429) {
        throw error
      }
      this.host.reportHealth({
        state: 'restricted',
        code: 'E_WHATSAPP_429',
        reason: RESTRICTION_CODES['429'],
        until: null,
      })
      throw new ChannelRateLimitedError(this.host.instanceId)
    }
  }

  async #showTyping(socket: WhatsAppSocket, jid: string) {
    if (this.host.config.typingMs <= 0) {
      return
    }
    try {
      await socket.presence(jid, 'composing')
      await sleep(this.host.config.typingMs)
      await socket.presence(jid, 'paused')
    } catch (error) {
      this.host.logger.debug({ err: error }, 'typing presence failed, sending anyway')
    }
  }
}

import { Exception } from '@adonisjs/core/exceptions'

/**
 * Base class of the errors a channel driver's `send` raises. The outbound
 * queue reads `retryable` to decide between another attempt and marking the
 * message failed, and stores `code` on the message.
 */
export class ChannelError extends Exception {
  /**
   * Whether the same send may succeed later: `true` for a dropped connection
   * or a rate limit, `false` for a recipient that does not exist.
   */
  readonly retryable: boolean

  /**
   * How long to wait before the next attempt, in milliseconds, when the
   * provider said. `null` lets the queue's backoff decide.
   */
  readonly retryAfterMs: number | null

  constructor(
    message: string,
    options: { code: string; retryable: boolean; retryAfterMs?: number; cause?: unknown }
  ) {
    super(message, { code: options.code, status: 422, cause: options.cause })
    this.retryable = options.retryable
    this.retryAfterMs = options.retryAfterMs ?? null
  }
}

/**
 * The instance is not `open`: it is connecting, pairing, reconnecting or
 * closed. Retryable, because the session may come back.
 */
export class InstanceNotConnectedError extends ChannelError {
  static code = 'E_INSTANCE_NOT_CONNECTED'

  constructor(instanceId: number, status: string) {
    super(
      `Instance ${instanceId} is not connected (status "${status}"): connect it and pair it before sending`,
      { code: 'E_INSTANCE_NOT_CONNECTED', retryable: true }
    )
  }
}

/**
 * The recipient address has no account at the channel's service, such as a
 * number without WhatsApp. Not retryable. A channel of another service
 * passes its name as `service`, and the message names it in place of
 * WhatsApp. The code stays `E_NOT_ON_WHATSAPP` for every channel.
 *
 * NOTE: the campaign messages page explains that code as "not on
 * WhatsApp", whatever the channel.
 */
export class NotOnWhatsAppError extends ChannelError {
  static code = 'E_NOT_ON_WHATSAPP'

  constructor(maskedAddress: string, service = 'WhatsApp') {
    super(`Recipient ${maskedAddress} has no ${service} account: check the number or remove it`, {
      code: 'E_NOT_ON_WHATSAPP',
      retryable: false,
    })
  }
}

/**
 * The recipient address is malformed for this channel, such as a phone
 * number that is not E.164. Not retryable.
 */
export class InvalidRecipientError extends ChannelError {
  static code = 'E_RECIPIENT_INVALID'

  constructor(maskedAddress: string, expected: string) {
    super(`Invalid recipient address "${maskedAddress}": expected ${expected}`, {
      code: 'E_RECIPIENT_INVALID',
      retryable: false,
    })
  }
}

/**
 * The provider throttled the account. Retryable after `retryAfterMs`.
 */
export class ChannelRateLimitedError extends ChannelError {
  static code = 'E_CHANNEL_RATE_LIMITED'

  constructor(instanceId: number, retryAfterMs?: number) {
    super(`Instance ${instanceId} is rate limited by its provider: slow down its pacing`, {
      code: 'E_CHANNEL_RATE_LIMITED',
      retryable: true,
      retryAfterMs,
    })
  }
}

/**
 * The provider did not acknowledge the send in time. Retryable: the caller
 * retries with the same provider message id, so the provider or the
 * receipts can recognise a message that did go out.
 */
export class SendTimeoutError extends ChannelError {
  static code = 'E_SEND_TIMEOUT'

  constructor(providerMessageId: string, timeoutMs: number) {
    super(`Send of message ${providerMessageId} was not acknowledged within ${timeoutMs} ms`, {
      code: 'E_SEND_TIMEOUT',
      retryable: true,
    })
  }
}

/**
 * The provider rejected the media (type, size or a URL it could not fetch).
 * Not retryable.
 */
export class MediaRejectedError extends ChannelError {
  static code = 'E_MEDIA_REJECTED'

  constructor(reason: string) {
    super(`The provider rejected the media: ${reason}`, {
      code: 'E_MEDIA_REJECTED',
      retryable: false,
    })
  }
}

/**
 * Masks all but the last four characters of an address, for error messages
 * and logs that must not carry full phone numbers.
 */
export function maskAddress(address: string) {
  if (address.length <= 4) {
    return '****'
  }
  return `${'*'.repeat(address.length - 4)}${address.slice(-4)}`
}

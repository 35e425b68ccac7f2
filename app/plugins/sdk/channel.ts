import { randomBytes } from 'node:crypto'
import type { Logger } from '@adonisjs/core/logger'
import type { SchemaTypes } from '@vinejs/vine/types'
import type { FormField, MediaValue } from './form_fields.js'
import type { InstanceStatus } from './events.js'

/**
 * Status of one channel instance's session.
 *
 * - `connecting`: `connect()` was called, or the driver starts a new attempt.
 * - `qr`: the account must be paired; `pairing` carries the QR string or
 *   code. Repeats each time the provider refreshes the code.
 * - `open`: the session is usable and `send` is accepted.
 * - `reconnecting`: the connection dropped without being asked to; the
 *   driver retries on its own and reports `attempt` and `retryInMs`.
 * - `logged_out`: the provider revoked the credentials (the device was
 *   unlinked). The driver stops and clears its credentials; the next
 *   `connect()` starts a new pairing.
 * - `restricted`: the provider restricted or banned the account. The driver
 *   stops; `reason` says what the provider said.
 * - `closed`: `disconnect()` finished.
 *
 * `logged_out`, `restricted` and `closed` are terminal: nothing follows them
 * until the next `connect()`.
 */
export type ChannelStatus = InstanceStatus

export const TERMINAL_STATUSES: ChannelStatus[] = ['logged_out', 'restricted', 'closed']

/** Pairing data of a `qr` status: what the user scans or types on the phone. */
export type PairingData =
  | {
      kind: 'qr'
      /** The string to encode in the QR code (the `qrcode` package renders it). */
      qr: string
      /** When this code stops working. @default null (the driver does not know) */
      expiresAt: Date | null
    }
  | {
      kind: 'code'
      /** Code the user types in the phone's "link with phone number" screen. */
      code: string
      expiresAt: Date | null
    }

/** Payload of the `status` event. */
export interface ChannelStatusEvent {
  status: ChannelStatus
  /** When the driver observed the change. */
  at: Date
  /** Set on `qr`. */
  pairing?: PairingData
  /** The paired account, set on `open`. */
  account?: { address: string; name: string | null }
  /** Why, on `reconnecting`, `logged_out` and `restricted`. */
  reason?: string
  /** Attempt number of this reconnect, from 1, on `reconnecting`. */
  attempt?: number
  /** Delay before this reconnect attempt, in milliseconds, on `reconnecting`. */
  retryInMs?: number
}

/** Delivery progress of a sent message. */
export type ReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed'

/** Payload of the `receipt` event. */
export interface DeliveryReceipt {
  /** Provider id of the message, as returned by `send`. */
  providerMessageId: string
  status: ReceiptStatus
  /** When the provider says it happened. */
  at: Date
  /** Why, on `failed`, in English, such as `recipient blocked the account`. */
  reason?: string
  /** Error code on `failed`, such as `E_NOT_ON_WHATSAPP`. @default 'E_SEND_FAILED' */
  code?: string
}

/** Payload of the `inbound` event: a message someone sent to the instance. */
export interface InboundMessage {
  /** Provider id of the message; the core stores each id once, so a repeat is ignored. */
  providerMessageId: string
  /**
   * Sender address; E.164 (`+5511999998888`) for phone channels. It may be
   * an opaque address when the provider gives no phone, such as WhatsApp's
   * privacy address `123456789012345@lid`.
   */
  from: string
  /**
   * Other addresses of the same sender that the provider reported with the
   * message: the phone behind a `…@lid` address, the privacy address of a
   * phone, or the number with or without Brazil's ninth digit. The core
   * stores them for the sender's contact and resolves every inbound `from`
   * through a contact's phone, then the addresses stored this way, then
   * the ninth-digit variant of a Brazilian mobile, so all of them join the
   * contact's one conversation.
   *
   * @default [] (no other address known)
   */
  aliases?: string[]
  /** Display name the sender chose, when the provider gives one. */
  fromName: string | null
  /** Text of the message or the caption of its media. `null` for media without caption. */
  text: string | null
  /** Attached media, when any. `download` fetches the bytes on demand. */
  media: { mimeType: string; fileName: string | null; download(): Promise<Buffer> } | null
  /** When the provider received it. */
  receivedAt: Date
  /** Provider id of the message this one replies to, when the sender quoted one. */
  inReplyTo: string | null
}

/** What the core asks a driver to send. */
export interface OutboundMessage {
  /**
   * Provider message id chosen by the caller before the send, made by the
   * channel's `createMessageId`. The caller stores it on the message row
   * first and sends the same id on every retry, so a retry of a send that
   * did reach the provider is recognisable by its id. A driver whose
   * provider cannot take a chosen id returns the provider's own id instead.
   */
  providerMessageId: string
  /** Recipient address; E.164 for phone channels. */
  to: string
  /** Text, or the caption of the media. `null` only with media. */
  text: string | null
  /** Media to attach. @default null */
  media: MediaValue | null
}

/** What `send` resolves with once the provider accepted the message. */
export interface SendResult {
  /** The id the provider knows the message by; receipts refer to it. */
  providerMessageId: string
  /** When the provider accepted it. */
  sentAt: Date
}

/**
 * Payload of the `health` event: the provider limited what the account may
 * send while the session stays usable, such as WhatsApp's error 463, its
 * reach-out time lock or a rate limit. On `restricted` the core pauses the
 * instance's new campaign sends and e-mails the campaigns' designers. Replies
 * in existing conversations still go out. On `ok` the provider lifted it.
 */
export interface AccountHealthEvent {
  state: 'restricted' | 'ok'
  /** Error code, such as `E_WHATSAPP_463` or `E_WHATSAPP_REACHOUT_LOCKED`. */
  code: string
  /** Why, in English, for the connections page, logs and the designers' e-mail. */
  reason: string
  /** End of the restriction as the provider reported it, `null` when it gave none. */
  until: Date | null
  /** When the driver observed it. */
  at: Date
}

/** Events a driver emits, with their payloads. */
export interface ChannelDriverEvents {
  status: ChannelStatusEvent
  receipt: DeliveryReceipt
  inbound: InboundMessage
  health: AccountHealthEvent
}

export type ChannelDriverEventName = keyof ChannelDriverEvents

export type ChannelDriverListener<Event extends ChannelDriverEventName> = (
  payload: ChannelDriverEvents[Event]
) => void

/**
 * Where a driver keeps the credentials of its instance between sessions
 * (Baileys' auth state, an API token). The core encrypts what it stores.
 * Values must be JSON-serialisable.
 */
export interface ChannelCredentialStore {
  /** Reads the stored credentials, `null` when the instance was never paired. */
  read(): Promise<Record<string, unknown> | null>
  /** Replaces the stored credentials. */
  write(credentials: Record<string, unknown>): Promise<void>
  /** Deletes the credentials, after `logged_out`. */
  clear(): Promise<void>
}

/** What a driver receives when the channels process opens an instance. */
export interface ChannelDriverContext<Config = Record<string, unknown>> {
  /** The instance's database id. */
  instanceId: number
  /** The tenant that owns the instance. */
  tenantId: number
  /** The instance's configuration, validated against the channel's `configSchema`. */
  config: Config
  credentials: ChannelCredentialStore
  /** Logger carrying `pluginName`, `channel` and `instanceId`. */
  logger: Logger
  /**
   * Renews the instance's lease and resolves with whether this process
   * still owns the instance, for a driver that must check before it
   * reconnects (WhatsApp's "connection replaced"). When it resolves
   * `false` the core ends the session.
   *
   * @default undefined (the driver cannot check and assumes it owns the instance)
   */
  holdsLease?: () => Promise<boolean>
}

/**
 * One instance's live session. The channels process makes one driver per
 * instance it owns and calls nothing else on the plugin for that instance.
 * `BaseChannelDriver` implements the events and the status bookkeeping.
 */
export interface ChannelDriver {
  /** The last status emitted; `closed` before the first `connect()`. */
  readonly status: ChannelStatus

  /**
   * Starts the session. Emits `connecting` at once and resolves once the
   * attempt started; `qr` and `open` follow as events. Calling it while the
   * session is not terminal does nothing.
   */
  connect(): Promise<void>

  /**
   * Ends the session and resolves after `closed` was emitted. With
   * `logout: true` the driver also revokes the credentials at the provider,
   * clears them, and emits `logged_out` instead of `closed`.
   */
  disconnect(options?: { logout?: boolean }): Promise<void>

  /**
   * Sends one message and resolves once the provider accepted it. Raises a
   * `ChannelError`: `InstanceNotConnectedError` at once when the status is
   * not `open` (never waits for a connection), `NotOnWhatsAppError` or
   * `InvalidRecipientError` for a bad recipient, `SendTimeoutError` when the
   * provider does not answer in the driver's timeout.
   */
  send(message: OutboundMessage): Promise<SendResult>

  /**
   * Runs an action of this channel's own that the interface or a test asks
   * for, such as the sandbox's `scan` (pair by "scanning" the QR code) or
   * `reply` (a simulated contact writes back). The web process sends the
   * request to the channels process that owns the instance and waits for
   * the result. Throw an `Exception` with a code for a rejected action.
   *
   * @default undefined (the channel has no actions; requests are rejected
   * with `E_CHANNEL_ACTION_UNSUPPORTED`)
   */
  perform?(action: string, input: Record<string, unknown>): Promise<Record<string, unknown>>

  on<Event extends ChannelDriverEventName>(
    event: Event,
    listener: ChannelDriverListener<Event>
  ): void

  off<Event extends ChannelDriverEventName>(
    event: Event,
    listener: ChannelDriverListener<Event>
  ): void
}

/**
 * A channel: a way to send and receive messages, contributed by a plugin
 * with `plugin.channel(defineChannel({...}))`.
 */
export interface ChannelDefinition<
  Schema extends SchemaTypes | undefined = SchemaTypes | undefined,
> {
  /**
   * Channel id, unique in the install, stored on every instance: lowercase
   * letters, digits, dashes and underscores, such as `whatsapp` or `sandbox`.
   */
  id: string
  /** Translation key of the channel's name in the connections page. */
  label: string
  /** Translation key of a one-line description. */
  description: string
  /** Name of an icon of the interface's icon set. @default 'channel' */
  icon?: string
  /**
   * How an instance is paired: `qr` (scan a code), `code` (type a code on
   * the phone) or `none` (credentials come from the configuration).
   */
  pairing: 'qr' | 'code' | 'none'
  /**
   * What a recipient address looks like: `phone` (E.164, checked by the
   * core with libphonenumber-js before the send) or `opaque` (any string the
   * driver accepts).
   *
   * @default 'phone'
   */
  addressKind?: 'phone' | 'opaque'
  /** What the channel supports. Unsupported parts are rejected before the send. */
  capabilities: {
    /** Whether `OutboundMessage.media` may be set. */
    media: boolean
    /** Whether `delivered` receipts arrive. */
    deliveryReceipts: boolean
    /** Whether `read` receipts arrive. */
    readReceipts: boolean
  }
  /**
   * VineJS schema of an instance's configuration (API keys, endpoints). The
   * core validates the instance form with it.
   *
   * @default undefined (no configuration)
   */
  configSchema?: Schema
  /**
   * Form of the instance's configuration on the connections page, which
   * renders `boolean`, `number` and `text` fields. Mark an API key's field
   * `secret`, so the page never receives its value.
   *
   * @default []
   */
  configFields?: FormField[]
  /**
   * Sends of one instance that the core hands to the driver at once, each
   * followed by its journey step. Sends whose pace slots are apart leave one
   * by one anyway, so this bounds only sends due together: campaigns with
   * pacing off, and agents' replies. A higher value lets more sends share
   * the core's batched reads and writes. An integer from 1 to 1000.
   *
   * @default 32
   */
  maxConcurrentSends?: number
  /**
   * Makes a provider message id in the provider's format, before the send.
   *
   * @default 20 random bytes as 40 uppercase hex characters
   */
  createMessageId?: () => string
  /** Makes the driver of one instance. Called only in the channels process. */
  createDriver(context: ChannelDriverContext): ChannelDriver
}

/**
 * Declares a channel. Returns the definition unchanged, typed.
 */
export function defineChannel<Schema extends SchemaTypes | undefined>(
  definition: ChannelDefinition<Schema>
) {
  return definition
}

/**
 * The default provider message id: 40 uppercase hex characters.
 */
export function randomMessageId() {
  return randomBytes(20).toString('hex').toUpperCase()
}

/**
 * Event and status bookkeeping for drivers. A subclass implements
 * `connect`, `disconnect` and `send`, and reports what happens with
 * `setStatus`, `emitReceipt` and `emitInbound`. A listener that throws is
 * logged and does not stop the other listeners.
 */
export abstract class BaseChannelDriver implements ChannelDriver {
  #status: ChannelStatus = 'closed'
  #listeners: { [Event in ChannelDriverEventName]: Set<ChannelDriverListener<Event>> } = {
    status: new Set(),
    receipt: new Set(),
    inbound: new Set(),
    health: new Set(),
  }

  constructor(protected context: ChannelDriverContext) {}

  get status() {
    return this.#status
  }

  abstract connect(): Promise<void>
  abstract disconnect(options?: { logout?: boolean }): Promise<void>
  abstract send(message: OutboundMessage): Promise<SendResult>

  on<Event extends ChannelDriverEventName>(event: Event, listener: ChannelDriverListener<Event>) {
    this.#listeners[event].add(listener)
  }

  off<Event extends ChannelDriverEventName>(event: Event, listener: ChannelDriverListener<Event>) {
    this.#listeners[event].delete(listener)
  }

  /** Whether the session is terminal, so `connect()` may start a new one. */
  protected get isTerminal() {
    return TERMINAL_STATUSES.includes(this.#status)
  }

  protected setStatus(
    status: ChannelStatus,
    details: Omit<ChannelStatusEvent, 'status' | 'at'> = {}
  ) {
    this.#status = status
    this.#emit('status', { status, at: new Date(), ...details })
  }

  protected emitReceipt(receipt: DeliveryReceipt) {
    this.#emit('receipt', receipt)
  }

  protected emitInbound(message: InboundMessage) {
    this.#emit('inbound', message)
  }

  protected emitHealth(event: AccountHealthEvent) {
    this.#emit('health', event)
  }

  #emit<Event extends ChannelDriverEventName>(event: Event, payload: ChannelDriverEvents[Event]) {
    for (const listener of this.#listeners[event]) {
      try {
        listener(payload)
      } catch (error) {
        this.context.logger.error({ err: error, event }, 'channel driver listener failed')
      }
    }
  }
}

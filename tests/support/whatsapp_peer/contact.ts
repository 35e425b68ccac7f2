import { EventEmitter, once } from 'node:events'
import {
  encodeBigEndian,
  extractE2ESessionFromRetryReceipt,
  type BinaryNode,
  type proto,
} from '@whiskeysockets/baileys'
import {
  companionAddress,
  randomMessageId,
  type Account,
  type Companion,
  type ReceivedMessage,
} from './accounts.js'
import type { WhatsAppPeer } from './peer.js'
import type { PreKeyBundle } from './signal_device.js'
import { bundleKeyNodes, unixSeconds } from './stanzas.js'

/** A receipt a companion sent for a message it received from this contact. */
export interface CompanionReceipt {
  id: string
  /** `delivered` when the stanza has no type, else its `type` attribute (`read`, `inactive`, ...). */
  type: string
  from: string
}

export interface SendTextOptions {
  /** Phone number of the linked account to message; needed when several accounts are linked. */
  to?: string
  /**
   * Address the stanza comes from: the contact's phone-number JID (default)
   * or its `@lid`, as WhatsApp sends for contacts with a privacy address.
   */
  from?: 'pn' | 'lid'
  /**
   * Whether to add the other address as Baileys 7 reads it: `sender_lid` on a
   * phone-number stanza, `sender_pn` on an `@lid` stanza. Default true.
   */
  includeAlternateAddress?: boolean
  /** Message id; a random WhatsApp-style id by default. */
  id?: string
}

const DEFAULT_WAIT_MS = 5_000
/** Retry receipts a contact sends for one message before giving up. */
const MAX_RETRIES = 3

/**
 * A simulated WhatsApp user that linked companions talk to: it decrypts what
 * they send with its own Signal keys and sends texts and receipts back.
 */
export class SimulatedContact {
  /** Messages this contact's phone decrypted, in arrival order, once per message id. */
  readonly messages: ReceivedMessage[] = []
  /** Every decrypted copy, including resends of an id already received. */
  readonly deliveries: ReceivedMessage[] = []
  /** Retry receipts sent, by message id. */
  readonly retries = new Map<string, number>()
  /** Errors from copies the contact could not decrypt; each led to a retry receipt. */
  readonly decryptionErrors: unknown[] = []
  /** Chat states companions sent to this contact (`composing`, `paused`, `recording`), in order. */
  readonly chatStates: string[] = []
  /** Receipts companions sent for messages from this contact. */
  readonly receipts: CompanionReceipt[] = []
  /** Error code the server puts in its `ack` for messages to this contact, if any. */
  ackError?: number
  /** Receipts sent by themselves for each new message; see `AddContactOptions.autoReceipt`. */
  autoReceipt?: 'delivered' | 'read'
  readonly #events = new EventEmitter()
  /** Messages this contact sent, kept to resend them on retry receipts. */
  readonly #sent = new Map<string, { message: proto.IMessage; attrs: Record<string, string> }>()

  constructor(
    readonly account: Account,
    private peer: WhatsAppPeer
  ) {}

  get jid() {
    return this.account.jid
  }

  get lid() {
    return this.account.lid
  }

  /** Texts the contact received, in order. */
  get received(): string[] {
    return this.messages.map((message) => message.text ?? '')
  }

  /** Makes the server ack every later message to this contact with `<ack error="code">`. */
  failMessagesWith(code: number | undefined) {
    this.ackError = code
  }

  recordMessage(message: ReceivedMessage) {
    this.deliveries.push(message)
    if (this.messages.some((received) => received.id === message.id)) {
      return
    }
    this.messages.push(message)
    this.#events.emit('message')
    if (this.autoReceipt) {
      // After the server's ack for the message, as a phone's receipt arrives.
      setImmediate(() => this.#sendAutoReceipts(message.id))
    }
  }

  async #sendAutoReceipts(id: string) {
    try {
      await this.sendReceipt(id, 'delivered')
      if (this.autoReceipt === 'read') {
        await this.sendReceipt(id, 'read')
      }
    } catch (error) {
      this.peer.log.warn(
        { err: error, id, contact: this.jid },
        'failed to send an automatic receipt'
      )
    }
  }

  /**
   * Drops the contact's Signal sessions with every companion, as a phone
   * that lost its state would, so the next message from a companion fails
   * to decrypt and the contact sends a retry receipt.
   */
  forgetSessions() {
    this.account.phone.forgetSessions()
  }

  /**
   * Sends a retry receipt for a message the contact could not decrypt, with
   * a fresh pre-key bundle so the sender can start a new session. Gives up
   * after `MAX_RETRIES` receipts for one id.
   */
  async requestRetry(sender: Companion, stanza: BinaryNode) {
    const id = stanza.attrs.id
    const count = (this.retries.get(id) ?? 0) + 1
    if (count > MAX_RETRIES) {
      return
    }
    this.retries.set(id, count)
    const bundle = this.account.phone.takeBundle()
    await this.peer.deliver(sender, {
      tag: 'receipt',
      attrs: { from: stanza.attrs.to, id, type: 'retry', t: unixSeconds() },
      content: [
        {
          tag: 'retry',
          attrs: { count: count.toString(), id, t: stanza.attrs.t ?? unixSeconds(), v: '1' },
        },
        { tag: 'registration', attrs: {}, content: encodeBigEndian(bundle.registrationId, 4) },
        { tag: 'keys', attrs: {}, content: bundleKeyNodes(bundle) },
      ],
    })
  }

  recordReceipt(receipt: CompanionReceipt) {
    this.receipts.push(receipt)
    this.#events.emit('receipt')
  }

  /** Waits until the contact has received at least `count` messages. */
  async waitForMessages(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedMessage[]> {
    await this.#waitFor(
      'message',
      () => this.messages.length >= count,
      timeoutMs,
      () =>
        `contact ${this.jid} received ${this.messages.length} of ${count} messages in ${timeoutMs} ms`
    )
    return this.messages
  }

  /** Waits until a companion has sent a receipt of `type` for message `id`. */
  async waitForReceipt(id: string, type: string, timeoutMs = DEFAULT_WAIT_MS) {
    const matches = () =>
      this.receipts.some((receipt) => receipt.id === id && receipt.type === type)
    await this.#waitFor(
      'receipt',
      matches,
      timeoutMs,
      () => `no ${type} receipt for message ${id} reached contact ${this.jid} in ${timeoutMs} ms`
    )
  }

  /**
   * Sends a text to every companion of a linked account, encrypted with the
   * Signal session this contact has with each (started from the companion's
   * uploaded pre-keys when there is none). Companions that are offline get
   * it when they next log in. Returns the message id.
   */
  async sendText(text: string, options: SendTextOptions = {}): Promise<string> {
    return this.sendMessage({ conversation: text }, options)
  }

  async sendMessage(message: proto.IMessage, options: SendTextOptions = {}): Promise<string> {
    const target = this.peer.linkedAccount(options.to)
    if (!target.companions.size) {
      throw new Error(`account +${target.user} has no linked companion to receive the message`)
    }
    const id = options.id ?? randomMessageId()
    const attrs = { ...this.#senderAttrs(options), id, type: 'text', notify: this.account.name }
    target.chats.add(this.account.user)
    this.#sent.set(id, { message, attrs })

    for (const companion of target.companions.values()) {
      await this.#sendCopy(companion, id, () => companion.takeBundle())
    }
    return id
  }

  /**
   * Handles a companion's retry receipt for a message this contact sent. The
   * contact starts a new session from the keys in the receipt, or from the
   * companion's uploaded pre-keys when the receipt has none, and sends the
   * message again with the same id.
   */
  async resend(companion: Companion, receipt: BinaryNode) {
    const id = receipt.attrs.id
    if (!this.#sent.has(id)) {
      this.peer.log.warn(
        { id, companion: companion.jid },
        'retry receipt for a message the contact did not send'
      )
      return
    }
    const keys = extractE2ESessionFromRetryReceipt(receipt)
    this.account.phone.forgetSession(companionAddress(companion))
    await this.#sendCopy(companion, id, () =>
      keys
        ? {
            registrationId: keys.registrationId,
            identityKey: Buffer.from(keys.identityKey),
            signedPreKey: {
              keyId: keys.signedPreKey.keyId,
              publicKey: Buffer.from(keys.signedPreKey.publicKey),
              signature: Buffer.from(keys.signedPreKey.signature),
            },
            preKey: keys.preKey && {
              keyId: keys.preKey.keyId,
              publicKey: Buffer.from(keys.preKey.publicKey),
            },
          }
        : companion.takeBundle()
    )
  }

  async #sendCopy(companion: Companion, id: string, bundle: () => PreKeyBundle) {
    const { message, attrs } = this.#sent.get(id)!
    const payload = await this.account.phone.encryptMessage(
      companionAddress(companion),
      message,
      bundle
    )
    await this.peer.deliver(companion, {
      tag: 'message',
      attrs: { ...attrs, t: unixSeconds() },
      content: [{ tag: 'enc', attrs: { v: '2', type: payload.type }, content: payload.ciphertext }],
    })
  }

  /**
   * Sends a `delivered`, `read` or `played` (a voice note listened to)
   * receipt for a message this contact received to every companion of the
   * account that sent it.
   */
  async sendReceipt(id: string, type: 'delivered' | 'read' | 'played') {
    const message = this.messages.find((candidate) => candidate.id === id)
    if (!message) {
      throw new Error(`contact ${this.jid} has no received message with id "${id}"`)
    }
    const sender = this.peer.findAccountByJid(message.from)
    if (!sender) {
      throw new Error(`the sender ${message.from} of message "${id}" is no longer linked`)
    }
    const attrs: Record<string, string> = { from: message.to, id, t: unixSeconds() }
    if (type !== 'delivered') {
      attrs.type = type
    }
    for (const companion of sender.companions.values()) {
      await this.peer.deliver(companion, { tag: 'receipt', attrs: { ...attrs } })
    }
  }

  #senderAttrs(options: SendTextOptions): Record<string, string> {
    const alternate = options.includeAlternateAddress ?? true
    if (options.from === 'lid') {
      return alternate ? { from: this.lid, sender_pn: this.jid } : { from: this.lid }
    }
    return alternate ? { from: this.jid, sender_lid: this.lid } : { from: this.jid }
  }

  async #waitFor(event: string, done: () => boolean, timeoutMs: number, message: () => string) {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      const remaining = deadline - Date.now()
      if (remaining <= 0) {
        throw new Error(message())
      }
      await once(this.#events, event, { signal: AbortSignal.timeout(remaining) }).catch(() => {})
    }
  }
}

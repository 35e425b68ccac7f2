import {
  BaseChannelDriver,
  Exception,
  InstanceNotConnectedError,
  InvalidRecipientError,
  maskAddress,
  type ChannelDriverContext,
  type OutboundMessage,
  type SendResult,
} from '#sdk'
import type { ConnectionChange, SocketClose, WhatsAppSocket } from './baileys_adapter.js'
import { baileys, loadBaileys } from './baileys_loader.js'
import { DatabaseAuthState } from './auth_state.js'
import { SentMessageStore } from './sent_messages.js'
import { LidContacts } from './lid_contacts.js'
import { RecipientResolver } from './recipient_resolver.js'
import { retryCountersOf, forgetRetryCounters } from './retry_counters.js'
import { decideDisconnect, DEFAULT_BACKOFF, type DisconnectAction } from './disconnect_policy.js'
import { whatsappConfig, type WhatsAppConfig } from './whatsapp_config.js'
import { E164, WhatsAppSender } from './whatsapp_sending.js'
import { WhatsAppReceiver } from './whatsapp_receiving.js'
import { reachoutLockReport, type HealthReport } from './whatsapp_health.js'

/** Lifetime WhatsApp gives the first QR code and the later ones, in milliseconds (Baileys 7's defaults). */
const FIRST_QR_MS = 60_000
const NEXT_QR_MS = 20_000

/** Lifetime of a pairing code, in milliseconds, as the phone shows it. */
const PAIRING_CODE_MS = 180_000

/** Raised for a WhatsApp action the session cannot take now. */
export class WhatsAppActionException extends Exception {
  static status = 422
}

/**
 * One WhatsApp number linked as a WhatsApp Web device: one Baileys socket
 * at a time, its auth state in the database, and the disconnect policy
 * deciding what follows each close.
 *
 * A new socket is built only after the previous one closed, one build at
 * a time, and each socket's handlers are registered once, when it is made.
 * Events of an older socket are ignored by their generation number. This
 * class runs the connection's lifecycle; `WhatsAppSender` sends,
 * `WhatsAppReceiver` turns socket events into inbound messages and
 * receipts, and `whatsapp_health.ts` builds the account health reports.
 */
export class WhatsAppDriver extends BaseChannelDriver {
  readonly auth: DatabaseAuthState
  readonly sent: SentMessageStore
  readonly lids: LidContacts
  readonly resolver: RecipientResolver
  #config: WhatsAppConfig
  #socket: WhatsAppSocket | null = null
  #generation = 0
  #socketClosed: Promise<void> = Promise.resolve()
  #markClosed: (() => void) | null = null
  #builds: Promise<void> = Promise.resolve()
  #credsWrites: Promise<void> = Promise.resolve()
  #stopping = false
  #failures = 0
  #openedAt: number | null = null
  #retryTimer: NodeJS.Timeout | null = null
  #qrCount = 0
  #sender: WhatsAppSender
  #receiver: WhatsAppReceiver
  /** Set by a wipe until the next `connect()`, so late writes of the old socket cannot bring keys back. */
  #wiped = false

  constructor(context: ChannelDriverContext) {
    super(context)
    this.#config = whatsappConfig(context.config)
    const ownsInstance = async () => !this.#wiped && (await this.#holdsLease())
    this.auth = new DatabaseAuthState(context.instanceId)
    this.auth.guard = ownsInstance
    this.sent = new SentMessageStore(context.instanceId)
    this.sent.guard = ownsInstance
    this.lids = new LidContacts(context.instanceId)
    this.lids.guard = ownsInstance
    this.resolver = new RecipientResolver((phone) => this.#requireSocket().lookup(phone))
    this.#sender = new WhatsAppSender({
      instanceId: context.instanceId,
      logger: context.logger,
      config: this.#config,
      sent: this.sent,
      lids: this.lids,
      resolver: this.resolver,
      status: () => this.status,
      socket: () => this.#socket,
      reportHealth: (report) => this.#reportHealth(report),
    })
    this.#receiver = new WhatsAppReceiver({
      logger: context.logger,
      lids: this.lids,
      socket: () => this.#socket,
      emitInbound: (message) => this.emitInbound(message),
      emitReceipt: (receipt) => this.emitReceipt(receipt),
      reportHealth: (report) => this.#reportHealth(report),
    })
  }

  /** The live socket, for the benchmark and tests that inspect it. */
  get socket() {
    return this.#socket
  }

  async connect() {
    if (!this.isTerminal) {
      return
    }
    this.#stopping = false
    this.#failures = 0
    this.#qrCount = 0
    this.setStatus('connecting')
    await this.#dropStaleAuth()
    this.#wiped = false
    this.#startSocket()
  }

  /**
   * Wipes auth rows the core has no record of: an instance logged out
   * while no channels process owned it, or a new instance that reuses a
   * deleted one's id on SQLite. The core's credential store keeps a marker
   * of each pairing for this check.
   */
  async #dropStaleAuth() {
    const marker = await this.context.credentials.read()
    if (!marker && (await this.auth.hasCreds())) {
      this.context.logger.info('whatsapp auth state without a pairing marker wiped')
      await this.#wipe()
    }
  }

  async disconnect(options: { logout?: boolean } = {}) {
    if (this.isTerminal && !this.#socket && !options.logout) {
      return
    }
    this.#stopping = true
    this.#clearRetry()
    await this.#builds
    const socket = this.#socket
    if (options.logout) {
      if (socket) {
        await socket.logout().catch((error) => {
          this.context.logger.warn({ err: error }, 'whatsapp logout request failed')
        })
      }
      socket?.end()
      await this.#socketClosed
      await this.#wipe()
      this.setStatus('logged_out', { reason: 'logged out from the connections page' })
      return
    }
    socket?.end()
    await this.#socketClosed
    await this.#credsWrites
    this.setStatus('closed')
  }

  send(message: OutboundMessage): Promise<SendResult> {
    return this.#sender.send(message)
  }

  async perform(action: string, input: Record<string, unknown>) {
    if (action === 'pairing_code') {
      return this.#pairingCode(String(input.phone ?? ''))
    }
    throw new WhatsAppActionException(`Unknown WhatsApp action "${action}": use pairing_code`, {
      code: 'E_WHATSAPP_ACTION_UNKNOWN',
    })
  }

  async #pairingCode(phone: string) {
    if (!E164.test(phone)) {
      throw new InvalidRecipientError(
        maskAddress(phone),
        'the number to link in E.164, such as +5511987654321'
      )
    }
    const socket = this.#socket
    if (this.status !== 'qr' || !socket) {
      throw new WhatsAppActionException(
        `Instance ${this.context.instanceId} is not waiting for pairing (status "${this.status}"): connect it first`,
        { code: 'E_WHATSAPP_NOT_PAIRING' }
      )
    }
    const code = await socket.requestPairingCode(phone)
    const expiresAt = new Date(Date.now() + PAIRING_CODE_MS)
    this.setStatus('qr', { pairing: { kind: 'code', code, expiresAt } })
    return { code, expiresAt: expiresAt.toISOString() }
  }

  #requireSocket() {
    if (!this.#socket) {
      throw new InstanceNotConnectedError(this.context.instanceId, this.status)
    }
    return this.#socket
  }

  /** Queues a socket build after the ones before it; a failed build backs off like a close. */
  #startSocket() {
    this.#builds = this.#builds
      .then(() => this.#buildSocket())
      .catch((error) => {
        this.context.logger.error({ err: error }, 'whatsapp socket build failed')
        this.#onClose(this.#generation, {
          statusCode: null,
          streamErrorType: null,
          message: (error as Error).message,
        })
      })
  }

  async #buildSocket() {
    const { applySettings, openSocket } = await loadBaileys()
    await this.#socketClosed
    if (this.#stopping) {
      return
    }
    const settings = applySettings()
    // The restart after pairing (515) follows the creds update at once: the
    // new socket must read the creds that update wrote, not the ones before.
    await this.#credsWrites
    const creds = await this.auth.loadCreds()
    const generation = ++this.#generation
    this.context.logger.debug(
      { generation, paired: Boolean(creds.account) },
      'whatsapp socket opening'
    )
    this.#socketClosed = new Promise((resolve) => (this.#markClosed = resolve))
    const current = () => generation === this.#generation

    this.#socket = openSocket({
      url: settings.websocketUrl,
      creds,
      keys: this.auth.keys(),
      logger: this.context.logger,
      retryCounters: retryCountersOf(this.context.instanceId),
      getMessage: (id) => this.sent.find(id),
      qrTimeoutMs: this.#config.qrTimeoutMs || undefined,
      mediaAgent: settings.mediaAgent ?? undefined,
      handlers: {
        connection: (change) => current() && this.#onConnection(generation, change),
        creds: () => current() && this.#saveCreds(),
        messages: (type, messages) => current() && this.#receiver.onMessages(type, messages),
        statuses: (updates) => current() && this.#receiver.onStatuses(updates),
        lidMappings: (mappings) => current() && this.#receiver.onLidMappings(mappings),
      },
    })
    this.resolver.useLookup((phone) => this.#requireSocket().lookup(phone))
  }

  #saveCreds() {
    const socket = this.#socket
    if (!socket) {
      return
    }
    this.#credsWrites = this.#credsWrites
      .then(() => this.auth.saveCreds(socket.creds))
      .catch((error) => this.context.logger.error({ err: error }, 'whatsapp creds save failed'))
  }

  #onConnection(generation: number, change: ConnectionChange) {
    if (change.qr) {
      const lifetime = this.#config.qrTimeoutMs || (this.#qrCount === 0 ? FIRST_QR_MS : NEXT_QR_MS)
      this.#qrCount += 1
      this.setStatus('qr', {
        pairing: { kind: 'qr', qr: change.qr, expiresAt: new Date(Date.now() + lifetime) },
      })
    }
    if (change.connection === 'open') {
      this.#opened()
    }
    if (change.reachoutLock) {
      this.#onReachoutLock(change.reachoutLock)
    }
    if (change.closed) {
      this.#onClose(generation, change.closed)
    }
  }

  #opened() {
    this.#openedAt = Date.now()
    this.#qrCount = 0
    const me = this.#socket?.creds.me
    const { jidPhone, userJid } = baileys()
    const address = jidPhone(me?.id ? userJid(me.id) : null) ?? me?.id ?? ''
    this.setStatus('open', { account: { address, name: me?.name ?? null } })
    this.context.credentials
      .write({ paired: true, account: address, linkedAs: me?.id ?? null })
      .catch((error) =>
        this.context.logger.warn({ err: error }, 'whatsapp pairing marker not stored')
      )
    this.sent.prune().catch((error) => {
      this.context.logger.warn({ err: error }, 'whatsapp sent message prune failed')
    })
  }

  #onReachoutLock(lock: NonNullable<ConnectionChange['reachoutLock']>) {
    this.context.logger.warn(
      { active: lock.active, endsAt: lock.endsAt, enforcementType: lock.enforcementType },
      'whatsapp reach-out time lock reported'
    )
    this.#reportHealth(reachoutLockReport(lock))
  }

  /**
   * Reports a restriction of the account, or its end. The core pauses new
   * campaign sends of the instance and e-mails the campaigns' designers.
   */
  #reportHealth(report: HealthReport) {
    this.context.logger.warn(
      { state: report.state, code: report.code, until: report.until },
      'whatsapp account health changed'
    )
    this.emitHealth({ ...report, at: new Date() })
  }

  #onClose(generation: number, close: SocketClose) {
    if (generation !== this.#generation) {
      return
    }
    const wasPaired = Boolean(this.#socket?.creds.account)
    this.#socket = null
    this.#markClosed?.()
    this.#markClosed = null
    if (this.#stopping) {
      return
    }

    if (!wasPaired && this.status === 'qr' && close.statusCode === 408) {
      this.context.logger.info({ reason: close.message }, 'whatsapp pairing timed out')
      this.setStatus('closed', {
        reason: 'pairing timed out: no QR code was scanned in time, start a new attempt',
      })
      return
    }

    const decision = decideDisconnect(
      {
        statusCode: close.statusCode,
        streamErrorType: close.streamErrorType,
        failures: this.#failures,
        openedAt: this.#openedAt,
        now: Date.now(),
      },
      {
        ...DEFAULT_BACKOFF,
        baseMs: this.#config.reconnectBaseMs,
        maxMs: this.#config.reconnectMaxMs,
        replacedDelayMs: this.#config.replacedDelayMs,
      }
    )
    this.#failures = decision.failures
    this.#openedAt = null
    this.context.logger.warn(
      {
        statusCode: close.statusCode,
        streamErrorType: close.streamErrorType,
        message: close.message,
        action: decision.action.kind,
        reason: decision.action.reason,
        failures: decision.failures,
      },
      'whatsapp socket closed'
    )
    this.#follow(decision.action).catch((error) => {
      this.context.logger.error({ err: error }, 'whatsapp disconnect handling failed')
    })
  }

  async #follow(action: DisconnectAction) {
    if (action.kind === 'reconnect_now') {
      this.setStatus('connecting', { reason: action.reason })
      this.#startSocket()
      return
    }
    if (action.kind === 'wipe_and_stop') {
      await this.#credsWrites
      await this.#wipe()
      this.setStatus('logged_out', { reason: action.reason })
      return
    }
    if (action.kind === 'stop_and_alert') {
      if (action.code === 403) {
        this.#reportHealth({
          state: 'restricted',
          code: 'E_WHATSAPP_FORBIDDEN',
          reason: action.reason,
          until: null,
        })
      }
      this.setStatus('restricted', { reason: action.reason })
      return
    }
    if (action.kind === 'check_owner_then_back_off') {
      const owner = await this.#holdsLease()
      if (!owner) {
        this.context.logger.warn('whatsapp session replaced and the lease is gone, stopping')
        this.setStatus('closed', { reason: `${action.reason}; another process owns the instance` })
        return
      }
      this.#retryAfter(action.delayMs, 1, action.reason)
      return
    }
    this.#retryAfter(action.delayMs, action.attempt, action.reason)
  }

  /** Whether this process still owns the instance, when the host can tell. */
  async #holdsLease() {
    return this.context.holdsLease ? this.context.holdsLease() : true
  }

  #retryAfter(delayMs: number, attempt: number, reason: string) {
    this.setStatus('reconnecting', { reason, attempt, retryInMs: delayMs })
    this.#clearRetry()
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null
      if (this.#stopping) {
        return
      }
      this.setStatus('connecting', { reason: `reconnect attempt ${attempt}` })
      this.#startSocket()
    }, delayMs)
  }

  #clearRetry() {
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer)
      this.#retryTimer = null
    }
  }

  /** Deletes the auth state and everything learned with it, after a log out. */
  async #wipe() {
    this.#wiped = true
    await this.auth.wipe()
    await this.sent.clear()
    await this.lids.clear()
    forgetRetryCounters(this.context.instanceId)
    await this.context.credentials.clear()
  }
}

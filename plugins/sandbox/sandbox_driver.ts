import { createHash, randomBytes } from 'node:crypto'
import {
  BaseChannelDriver,
  DateTime,
  Exception,
  InstanceNotConnectedError,
  InvalidRecipientError,
  NotOnWhatsAppError,
  maskAddress,
  randomMessageId,
  type ChannelDriverContext,
  type OutboundMessage,
  type SendResult,
} from '#sdk'
import { sandboxConfig, type SandboxConfig } from './sandbox_config.js'
import {
  markReported,
  pendingSends,
  recentlyReported,
  recordSend,
  type SandboxSend,
} from './sandbox_sends.js'
import { connectionNameOf, sandboxAccount } from './sandbox_account.js'

const E164 = /^\+[1-9]\d{6,14}$/

/**
 * How far back a session that opens reports receipts again, in
 * milliseconds: longer than a receipt waits in the core's queue of channel
 * events on a busy process, by an estimate.
 */
const REPORTED_AGAIN_MS = 60_000

/** Prefix of the sandbox's QR strings, followed by the instance id and a random token. */
export const QR_PREFIX = 'disparador-sandbox'

/** Raised for a simulator action the session cannot take now. */
export class SandboxActionException extends Exception {
  static status = 422
}

/**
 * A number from 0 to 99 derived from `value`, so the configured shares of
 * failures and of numbers without WhatsApp always pick the same messages
 * and numbers.
 */
export function bucketOf(value: string) {
  return createHash('sha256').update(value).digest().readUInt32BE(0) % 100
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Builds the receipt of a send's status, with the simulated failure's code and reason for `failed`. */
function receiptOf(send: SandboxSend, status: 'delivered' | 'read' | 'failed', at: DateTime) {
  return {
    providerMessageId: send.provider_message_id,
    status,
    at: at.toJSDate(),
    ...(status === 'failed'
      ? { code: 'E_SANDBOX_DELIVERY_FAILED', reason: 'the sandbox simulated a delivery failure' }
      : {}),
  }
}

/**
 * Derives the simulated WhatsApp privacy address of a phone: 15 digits from
 * the number, then `@lid`, the form WhatsApp uses when it hides the phone.
 */
export function sandboxLid(phone: string) {
  const digits = BigInt(`0x${createHash('sha256').update(phone).digest('hex').slice(0, 15)}`)
  return `${String(digits).slice(0, 15).padStart(15, '1')}@lid`
}

/**
 * Builds the `from` and `aliases` of a simulated reply. `lid` makes it arrive from
 * the phone's privacy address: `with_phone` reports the phone as an alias
 * (as WhatsApp does when it has both), `only` reports no phone at all.
 */
function senderOf(phone: string, lid: unknown) {
  if (lid === 'with_phone') {
    return { from: sandboxLid(phone), aliases: [phone] }
  }
  if (lid === 'only') {
    return { from: sandboxLid(phone) }
  }
  if (lid !== undefined && lid !== null && lid !== false) {
    throw new SandboxActionException(
      `Invalid reply option lid "${String(lid)}": use "with_phone", "only" or leave it out`,
      { code: 'E_SANDBOX_REPLY_LID' }
    )
  }
  return { from: phone }
}

/**
 * The sandbox's session: a simulated WhatsApp Web link. It pairs through
 * QR codes that the phone simulator "scans" (the `scan` action), records
 * sends in `sandbox_sends`, and reports receipts after the configured
 * delays. Nothing leaves the machine.
 */
export class SandboxDriver extends BaseChannelDriver {
  #config: SandboxConfig
  #qr: { value: string; expiresAt: Date } | null = null
  #qrTimer: NodeJS.Timeout | null = null
  #reconnectTimer: NodeJS.Timeout | null = null
  #receiptTimers = new Set<NodeJS.Timeout>()
  #account: { address: string; name: string } | null = null

  constructor(context: ChannelDriverContext) {
    super(context)
    this.#config = sandboxConfig(context.config)
  }

  async connect() {
    if (!this.isTerminal) {
      return
    }
    this.setStatus('connecting')
    const credentials = await this.context.credentials.read()
    const account = credentials?.account as { address: string; name: string } | undefined
    if (account) {
      await this.#open(account)
      return
    }
    this.#showQr(1)
  }

  async disconnect(options: { logout?: boolean } = {}) {
    this.#stopTimers()
    if (options.logout) {
      await this.context.credentials.clear()
      this.#account = null
      this.setStatus('logged_out', { reason: 'logged out from the connections page' })
      return
    }
    this.setStatus('closed')
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (this.status !== 'open') {
      throw new InstanceNotConnectedError(this.context.instanceId, this.status)
    }
    if (!E164.test(message.to)) {
      throw new InvalidRecipientError(
        maskAddress(message.to),
        'a phone number in E.164, such as +5511987654321'
      )
    }
    if (bucketOf(message.to) < this.#config.notOnWhatsAppPercent) {
      throw new NotOnWhatsAppError(maskAddress(message.to))
    }

    const { send, created } = await recordSend(this.context, message, this.#plan(message))
    if (created) {
      await sleep(this.#config.sentDelayMs)
      this.#scheduleReceipts(send)
    } else {
      this.context.logger.info(
        { providerMessageId: message.providerMessageId },
        'repeated send recognised, not recorded again'
      )
    }
    return { providerMessageId: send.provider_message_id, sentAt: send.accepted_at.toJSDate() }
  }

  async perform(action: string, input: Record<string, unknown>) {
    if (action === 'scan') {
      return this.#scan(String(input.qr ?? ''))
    }
    if (action === 'drop') {
      return this.#drop()
    }
    if (action === 'reply') {
      return this.#reply(input)
    }
    if (action === 'receipt') {
      return this.#repeatReceipt(input)
    }
    throw new SandboxActionException(
      `Unknown sandbox action "${action}": use scan, drop, reply or receipt`,
      { code: 'E_SANDBOX_ACTION_UNKNOWN' }
    )
  }

  #plan(message: OutboundMessage) {
    const acceptedAt = DateTime.utc().plus({ milliseconds: this.#config.sentDelayMs })
    const failed = bucketOf(message.providerMessageId) < this.#config.failurePercent
    const deliverDueAt = acceptedAt.plus({ milliseconds: this.#config.deliveredDelayMs })
    const readDueAt =
      !failed && this.#config.readReceipts
        ? deliverDueAt.plus({ milliseconds: this.#config.readDelayMs })
        : null
    return {
      outcome: failed ? ('failed' as const) : ('delivered' as const),
      acceptedAt,
      deliverDueAt,
      readDueAt,
    }
  }

  #showQr(attempt: number) {
    if (attempt > this.#config.qrAttempts) {
      this.#qr = null
      this.setStatus('closed', {
        reason: `pairing timed out after ${this.#config.qrAttempts} QR codes`,
      })
      return
    }
    const token = randomBytes(12).toString('base64url')
    const expiresAt = new Date(Date.now() + this.#config.qrRefreshMs)
    this.#qr = { value: `${QR_PREFIX}:${this.context.instanceId}:${token}`, expiresAt }
    this.setStatus('qr', { pairing: { kind: 'qr', qr: this.#qr.value, expiresAt } })
    this.#qrTimer = setTimeout(() => this.#showQr(attempt + 1), this.#config.qrRefreshMs)
  }

  async #scan(qr: string) {
    if (this.status !== 'qr' || !this.#qr) {
      throw new SandboxActionException(
        `Instance ${this.context.instanceId} is not waiting for a scan (status "${this.status}"): connect it first`,
        { code: 'E_SANDBOX_NOT_PAIRING' }
      )
    }
    if (qr !== this.#qr.value || this.#qr.expiresAt.getTime() < Date.now()) {
      throw new SandboxActionException('This QR code expired: scan the code shown now', {
        code: 'E_SANDBOX_QR_EXPIRED',
      })
    }
    this.#clearTimer(this.#qrTimer)
    this.#qr = null
    const account = sandboxAccount(
      this.context.instanceId,
      await connectionNameOf(this.context.instanceId)
    )
    await this.context.credentials.write({ account, pairedAt: new Date().toISOString() })
    await this.#open(account)
    return { account }
  }

  async #open(account: { address: string; name: string }) {
    this.#account = account
    this.setStatus('open', { account })
    for (const send of await pendingSends(this.context.instanceId)) {
      this.#scheduleReceipts(send)
    }
    await this.#reportAgain()
  }

  /**
   * Reports again the receipts reported in the last REPORTED_AGAIN_MS,
   * because the process that reported them may have died before the core
   * applied them. The core applies a status once, so a receipt it already
   * has changes nothing.
   */
  async #reportAgain() {
    const since = DateTime.utc().minus({ milliseconds: REPORTED_AGAIN_MS })
    for (const send of await recentlyReported(this.context.instanceId, since)) {
      const reported = [
        ['delivered', send.delivered_at],
        ['read', send.read_at],
        ['failed', send.failed_at],
      ] as const
      for (const [status, at] of reported) {
        if (at) {
          this.emitReceipt(receiptOf(send, status, at))
        }
      }
    }
  }

  async #drop() {
    if (this.status !== 'open' || !this.#account) {
      throw new SandboxActionException(
        `Instance ${this.context.instanceId} is not connected (status "${this.status}"): nothing to drop`,
        { code: 'E_SANDBOX_NOT_CONNECTED' }
      )
    }
    this.#stopTimers()
    const account = this.#account
    const retryInMs = this.#config.reconnectDelayMs
    this.setStatus('reconnecting', {
      reason: 'connection dropped by the simulator',
      attempt: 1,
      retryInMs,
    })
    this.#reconnectTimer = setTimeout(() => {
      this.setStatus('connecting')
      this.#open(account).catch((error) => {
        this.context.logger.error({ err: error }, 'sandbox reconnect failed')
      })
    }, retryInMs)
    return { retryInMs }
  }

  async #reply(input: Record<string, unknown>) {
    if (this.status !== 'open') {
      throw new InstanceNotConnectedError(this.context.instanceId, this.status)
    }
    const from = String(input.from ?? '')
    if (!E164.test(from)) {
      throw new InvalidRecipientError(maskAddress(from), 'a sender phone number in E.164')
    }
    const providerMessageId =
      typeof input.providerMessageId === 'string' && input.providerMessageId !== ''
        ? input.providerMessageId
        : randomMessageId()
    const sender = senderOf(from, input.lid)
    this.emitInbound({
      providerMessageId,
      ...sender,
      fromName: typeof input.fromName === 'string' ? input.fromName : null,
      text: typeof input.text === 'string' ? input.text : null,
      media: null,
      receivedAt: new Date(),
      inReplyTo: typeof input.inReplyTo === 'string' ? input.inReplyTo : null,
    })
    return { providerMessageId }
  }

  /**
   * Reports a receipt for a message on demand, the way a provider may
   * report a status late or twice (a `delivered` after the `read`).
   */
  #repeatReceipt(input: Record<string, unknown>) {
    if (this.status !== 'open') {
      throw new InstanceNotConnectedError(this.context.instanceId, this.status)
    }
    const status = String(input.status ?? '')
    if (!['delivered', 'read', 'failed'].includes(status)) {
      throw new SandboxActionException(
        `Invalid receipt status "${status}": use delivered, read or failed`,
        { code: 'E_SANDBOX_RECEIPT_STATUS' }
      )
    }
    const providerMessageId = String(input.providerMessageId ?? '')
    this.emitReceipt({
      providerMessageId,
      status: status as 'delivered' | 'read' | 'failed',
      at: new Date(),
    })
    return { providerMessageId, status }
  }

  /** Reports the receipts still due for a send, each at its planned time (at once when overdue). */
  #scheduleReceipts(send: SandboxSend) {
    if (send.outcome === 'failed') {
      if (!send.failed_at) {
        this.#at(send.deliver_due_at, () => this.#report(send, 'failed'))
      }
      return
    }
    if (!send.delivered_at) {
      this.#at(send.deliver_due_at, () => this.#report(send, 'delivered'))
    }
    if (send.read_due_at && !send.read_at) {
      const readDue = send.read_due_at
      this.#at(readDue, () => this.#report(send, 'read'))
    }
  }

  async #report(send: SandboxSend, status: 'delivered' | 'read' | 'failed') {
    if (this.status !== 'open') {
      return
    }
    const at = DateTime.utc()
    this.emitReceipt(receiptOf(send, status, at))
    await markReported(send.id, `${status}_at`, at)
  }

  #at(time: DateTime, task: () => Promise<void>) {
    const delay = Math.max(0, time.toMillis() - Date.now())
    const timer = setTimeout(() => {
      this.#receiptTimers.delete(timer)
      task().catch((error) => this.context.logger.error({ err: error }, 'sandbox receipt failed'))
    }, delay)
    this.#receiptTimers.add(timer)
  }

  #clearTimer(timer: NodeJS.Timeout | null) {
    if (timer) {
      clearTimeout(timer)
    }
  }

  #stopTimers() {
    this.#clearTimer(this.#qrTimer)
    this.#clearTimer(this.#reconnectTimer)
    for (const timer of this.#receiptTimers) {
      clearTimeout(timer)
    }
    this.#receiptTimers.clear()
    this.#qr = null
  }
}

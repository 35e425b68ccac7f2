import type { Job, Worker } from 'bullmq'
import type { Logger } from '@adonisjs/core/logger'
import { Exception } from '@adonisjs/core/exceptions'
import {
  ChannelError,
  TERMINAL_STATUSES,
  type AccountHealthEvent,
  type ChannelDriver,
  type ChannelStatusEvent,
  type DeliveryReceipt,
  type InboundMessage,
} from '#sdk'
import type { ChannelRuntime } from '#plugins/channel_runtime'
import ChannelInstance from '#models/channel_instance'
import type { MessageRecord } from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { createWorker } from '#queues/queue_factory'
import type { InstanceLeases, Lease } from '#services/channels/instance_lease'
import {
  claimInstance,
  storeCredentials,
  storeError,
  storeStatus,
} from '#services/channels/instance_state'
import {
  applyReceipt,
  markFailed,
  markSent,
  storeInbound,
} from '#services/channels/message_service'
import { broadcastInstance } from '#services/channels/channel_broadcast'
import { outboundQueueName, type OutboundJobData } from '#services/channels/outbound_queue'
import type { ControlCommand } from '#services/channels/channel_control'
import { gateOutboundSend } from '#engine/send_gate'
import { resumeAfterSend } from '#engine/send_resume'
import { findInstanceOrFail, findMessageToSend } from '#engine/batched_reads'
import { enqueueJourneyJob, type JourneyJobData } from '#engine/engine_queues'
import { applyHealth, holdForHealth, refreshCampaignsOf } from '#services/channels/instance_health'

/**
 * Sends of one instance in flight at once when its channel does not set
 * `maxConcurrentSends`. It bounds how many sends a pause or a cancel can
 * find already past the send gate, and how many steps share the batched
 * reads and writes of the send path.
 */
const DEFAULT_CONCURRENT_SENDS = 32

/** Why a session ends: asked to stop, lease lost, or the driver reached a terminal status. */
export type SessionEnd = 'stopped' | 'lost' | 'terminal'

export interface SessionOptions {
  instance: ChannelInstance
  runtime: ChannelRuntime
  lease: Lease
  leases: InstanceLeases
  logger: Logger
  onEnded(instanceId: number): void
}

/** Raised inside a session that no longer holds its instance's lease. */
class LeaseLostException extends Exception {
  static code = 'E_INSTANCE_LEASE_LOST'
}

/**
 * One instance's live session in the channels process that holds its
 * lease: the driver (opened through the channel runtime), the lease
 * renewal and the outbound queue's worker. The role routes the runtime's
 * driver events here, and they are handled one at a time in arrival order.
 * The session ends at once when a renewal fails or a fenced write finds a
 * newer owner.
 */
export class InstanceSession {
  readonly instanceId: number
  readonly tenantId: number
  #driver: ChannelDriver | null = null
  #worker: Worker | null = null
  #renewTimer: NodeJS.Timeout | null = null
  #events: Promise<unknown> = Promise.resolve()
  /** Receipts still being applied; each leaves the set once settled. */
  #receipts = new Set<Promise<unknown>>()
  #ended = false
  #logger: Logger

  constructor(private options: SessionOptions) {
    this.instanceId = options.instance.id
    this.tenantId = options.instance.tenantId
    this.#logger = options.logger.child({ instanceId: this.instanceId, tenantId: this.tenantId })
  }

  get token() {
    return this.options.lease.token
  }

  get ended() {
    return this.#ended
  }

  /** Claims the row with the lease's token, then connects the driver. */
  async start() {
    const claimed = await this.#tenant(() => claimInstance(this.instanceId, this.token))
    if (!claimed) {
      await this.end('lost')
      return
    }

    const renewEvery = Math.max(200, Math.floor(this.options.leases.ttlMs / 3))
    this.#renewTimer = setInterval(() => void this.#renew(), renewEvery)
    this.#logger.info({ token: this.token }, 'instance session started')

    try {
      this.#driver = await this.options.runtime.open({
        id: this.instanceId,
        tenantId: this.tenantId,
        channel: this.options.instance.channel,
        config: this.options.instance.config,
        credentials: this.#credentialStore(),
        holdsLease: () => this.#holdsLease(),
      })
    } catch (error) {
      this.#logger.error({ err: error }, 'driver connect failed')
      await this.#tenant(() => storeError(this.instanceId, this.token, (error as Error).message))
      await this.end('terminal')
    }
  }

  /** Runs a control command and returns its result for the reply. */
  async handle(command: ControlCommand): Promise<Record<string, unknown>> {
    const driver = this.#driver
    if (!driver) {
      throw new Exception(`Instance ${this.instanceId} is still opening: try again in a moment`, {
        code: 'E_INSTANCE_OPENING',
        status: 409,
      })
    }
    if (command.action === 'connect') {
      await driver.connect()
      return {}
    }
    if (command.action === 'disconnect' || command.action === 'logout') {
      await this.options.runtime.disconnect(this.instanceId, {
        logout: command.action === 'logout',
        userId: command.userId,
      })
      await this.#events
      return {}
    }
    if (!driver.perform) {
      throw new Exception(
        `Channel "${this.options.instance.channel}" has no actions: "${command.name}" cannot run`,
        { code: 'E_CHANNEL_ACTION_UNSUPPORTED', status: 422 }
      )
    }
    return driver.perform(command.name ?? '', command.input ?? {})
  }

  /**
   * Ends the session. `stopped` (the process is shutting down) closes the
   * driver and leaves the status non-terminal, so another channels process
   * takes the instance over; `lost` closes the driver without writing
   * anything; `terminal` follows a terminal status the driver reported.
   */
  async end(reason: SessionEnd) {
    if (this.#ended) {
      return
    }
    this.#ended = true
    if (this.#renewTimer) {
      clearInterval(this.#renewTimer)
    }

    await this.#closeWorker(reason !== 'stopped')
    await this.options.runtime.close(this.instanceId).catch((error) => {
      this.#logger.warn({ err: error }, 'driver disconnect failed')
    })
    if (reason === 'stopped') {
      await this.#storeHandOver()
    }
    if (reason !== 'lost') {
      await this.options.leases.release(this.options.lease)
    }
    this.#logger.info({ reason }, 'instance session ended')
    this.options.onEnded(this.instanceId)
  }

  async #renew() {
    if (this.#ended) {
      return
    }
    const renewed = await this.options.leases.renew(this.options.lease).catch((error) => {
      this.#logger.warn({ err: error }, 'lease renewal failed')
      return false
    })
    if (!renewed) {
      this.#logger.warn({ token: this.token }, 'instance lease lost, ending session')
      await this.end('lost')
    }
  }

  /** Runs event handlers one after the other; an error is logged and the next runs. */
  #serial(task: () => Promise<void>) {
    this.#events = this.#events.then(task).catch((error) => {
      if (error instanceof LeaseLostException) {
        void this.end('lost')
        return
      }
      this.#logger.error({ err: error }, 'channel event handling failed')
    })
  }

  /** Handles a status the driver reported. Ignored once the session ended. */
  onStatus(event: ChannelStatusEvent) {
    this.#serial(() => this.#handleStatus(event))
  }

  /**
   * Applies a receipt at once, beside the other events: statuses only move
   * forward whatever order their receipts arrive in, so receipts need not
   * wait for each other, and concurrent ones are applied in batches. An
   * inbound message reported after the receipt waits for it (see `onInbound`).
   */
  onReceipt(receipt: DeliveryReceipt) {
    const handled = this.#tenant(() => applyReceipt(this.instanceId, receipt)).catch((error) => {
      this.#logger.error(
        { err: error, providerMessageId: receipt.providerMessageId },
        'receipt handling failed'
      )
    })
    this.#receipts.add(handled)
    void handled.finally(() => this.#receipts.delete(handled))
  }

  /** Handles a health report: pauses or resumes campaign sends, fenced by the lease's token. */
  onHealth(event: AccountHealthEvent) {
    this.#serial(async () => {
      const stored = await this.#tenant(() =>
        applyHealth(this.instanceId, this.token, event, this.#logger)
      )
      if (!stored) {
        throw new LeaseLostException(`Instance ${this.instanceId} has a newer owner`)
      }
      this.#logger.warn({ state: event.state, code: event.code }, 'instance health stored')
      broadcastInstance(await this.#tenant(() => ChannelInstance.findOrFail(this.instanceId)))
    })
  }

  /**
   * Stores an inbound message once the receipts reported before it are
   * applied, so a reply never overtakes the receipt of the message it
   * replies to.
   */
  onInbound(inbound: InboundMessage) {
    const receiptsBefore = [...this.#receipts]
    this.#serial(async () => {
      await Promise.all(receiptsBefore)
      const instance = await this.#tenant(() => ChannelInstance.findOrFail(this.instanceId))
      await this.#tenant(() => storeInbound(instance, inbound))
    })
  }

  async #handleStatus(event: ChannelStatusEvent) {
    if (this.#ended) {
      return
    }
    const stored = await this.#tenant(() => storeStatus(this.instanceId, this.token, event))
    if (!stored) {
      throw new LeaseLostException(`Instance ${this.instanceId} has a newer owner`)
    }

    const instance = await this.#tenant(() => ChannelInstance.findOrFail(this.instanceId))
    broadcastInstance(instance)
    await this.#tenant(() => refreshCampaignsOf(this.instanceId))

    if (event.status === 'open') {
      this.#startSending(instance)
    } else {
      await this.#pauseSending()
    }
    if (TERMINAL_STATUSES.includes(event.status)) {
      void this.end('terminal')
    }
  }

  #startSending(instance: ChannelInstance) {
    if (instance.pausedForHealth) {
      this.#logger.warn('sends paused for health, campaign messages held until it is lifted')
    }
    if (this.#worker) {
      this.#worker.resume()
      return
    }
    this.#worker = createWorker<OutboundJobData>(
      outboundQueueName(this.instanceId),
      (job, token) => this.#send(job, token),
      this.#workerOptions()
    )
    this.#worker.on('error', (error) => this.#logger.error({ err: error }, 'outbound worker error'))
    this.#worker.on('failed', (job, error) => {
      this.#logger.warn(
        { err: error, jobId: job?.id, attempt: job?.attemptsMade },
        'send attempt failed'
      )
      if (job?.data.journey && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        void this.#resumeGivenUp(job.data.journey)
      }
    })
  }

  /**
   * Adds the `sent` job of a journey whose send failed for good by an
   * error, so the journey reads the message as failed and moves on.
   */
  async #resumeGivenUp(sentJob: JourneyJobData) {
    await enqueueJourneyJob(sentJob).catch((error) => {
      this.#logger.error(
        { err: error, journeyId: sentJob.journeyId },
        'journey step after a failed send not enqueued'
      )
    })
  }

  /**
   * Up to the channel's `maxConcurrentSends` at a time. The pace does not depend on
   * it: each send waits as a delayed job for the slot reserved for it, so
   * only sends whose slots have come run together (all of them when pacing
   * is off). A job of a crashed owner is found stalled once its lock (the
   * lease's lifetime) runs out, and runs again on the next owner; stalls do
   * not count against the message, so a crash never fails it.
   */
  #workerOptions() {
    const ttlMs = this.options.leases.ttlMs
    return {
      concurrency:
        this.options.runtime.channel(this.options.instance.channel).channel.maxConcurrentSends ??
        DEFAULT_CONCURRENT_SENDS,
      lockDuration: ttlMs,
      stalledInterval: Math.max(1000, Math.floor(ttlMs / 2)),
      maxStalledCount: 1000,
    }
  }

  async #pauseSending() {
    await this.#worker?.pause(true)
  }

  async #closeWorker(force: boolean) {
    const worker = this.#worker
    this.#worker = null
    await worker?.close(force)
  }

  /**
   * Sends one queued message, then runs the journey step that waits for it,
   * if any. A message that is no longer `queued` was sent
   * by an earlier attempt and is skipped. The driver gets the stored
   * provider message id, so a retry of a send that reached the provider
   * before a crash is recognised there.
   */
  async #send(job: Job<OutboundJobData>, token?: string) {
    const { result, settled } = await this.#deliver(job, token)
    if (job.data.journey) {
      await resumeAfterSend(job.data.journey, settled)
    }
    return result
  }

  /**
   * Sends the job's message. Returns the job's result and the message as
   * stored once settled (`null` when the gate failed it or it is gone), for
   * the journey step that waits for the send.
   */
  async #deliver(
    job: Job<OutboundJobData>,
    token?: string
  ): Promise<{ result: Record<string, unknown>; settled: MessageRecord | null }> {
    if (this.#ended) {
      throw new LeaseLostException(`Instance ${this.instanceId} session ended`)
    }
    return runInTenant(job.data.tenantId, async () => {
      const message = await findMessageToSend(job.data.messageId)
      if (!message || message.status !== 'queued') {
        return { result: { skipped: true }, settled: message }
      }
      const instance = await findInstanceOrFail(this.instanceId)
      await holdForHealth(job, token, message, instance)
      if ((await gateOutboundSend(job, token, message)) === 'failed') {
        return { result: { skipped: true }, settled: null }
      }

      try {
        const sent = await this.#driver!.send({
          providerMessageId: message.providerMessageId,
          to: message.address,
          text: message.body,
          media: message.media,
        })
        const settled = await markSent(message, sent)
        return { result: { providerMessageId: sent.providerMessageId }, settled }
      } catch (error) {
        return this.#sendFailed(job, message, error)
      }
    })
  }

  async #sendFailed(job: Job<OutboundJobData>, message: MessageRecord, error: unknown) {
    const retryable = !(error instanceof ChannelError) || error.retryable
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1)
    if (retryable && !lastAttempt) {
      throw error
    }
    const code = (error as Exception).code ?? 'E_SEND_FAILED'
    this.#logger.warn(
      { messageId: message.id, code, attempt: job.attemptsMade + 1 },
      'message failed'
    )
    const settled = await markFailed(message, { code, reason: (error as Error).message })
    return { result: { failed: code }, settled }
  }

  /** Marks a handed-over instance `reconnecting`, so the page does not show a stale `open`. */
  async #storeHandOver() {
    await this.#events
    await this.#tenant(() =>
      storeStatus(this.instanceId, this.token, {
        status: 'reconnecting',
        at: new Date(),
        reason: 'channels process stopped, another one takes over',
      })
    ).catch((error) => this.#logger.warn({ err: error }, 'hand-over status not stored'))
  }

  /** Renews the lease now; a lost lease ends the session. */
  async #holdsLease() {
    const renewed = await this.options.leases.renew(this.options.lease).catch(() => false)
    if (!renewed && !this.#ended) {
      this.#logger.warn({ token: this.token }, 'instance lease lost on check, ending session')
      void this.end('lost')
    }
    return renewed
  }

  #credentialStore() {
    const write = async (credentials: Record<string, unknown> | null) => {
      const stored = await this.#tenant(async () => {
        const instance = await ChannelInstance.findOrFail(this.instanceId)
        return storeCredentials(instance, this.token, credentials)
      })
      if (!stored) {
        throw new LeaseLostException(`Instance ${this.instanceId} has a newer owner`)
      }
    }
    return {
      read: () =>
        this.#tenant(async () => {
          const instance = await ChannelInstance.findOrFail(this.instanceId)
          return instance.readCredentials()
        }),
      write: (credentials: Record<string, unknown>) => write(credentials),
      clear: () => write(null),
    }
  }

  #tenant<T>(callback: () => Promise<T>) {
    return runInTenant(this.tenantId, callback)
  }
}

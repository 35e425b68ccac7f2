import type { Logger } from '@adonisjs/core/logger'
import vine from '@vinejs/vine'
import {
  randomMessageId,
  type ChannelCredentialStore,
  type ChannelDefinition,
  type ChannelDriver,
  type ChannelDriverEvents,
  type ChannelStatus,
} from '#sdk'
import type { PluginHost } from '#plugins/plugin_host'
import { emitDomainEvent } from '#events/domain_events'

/** An instance as the channels process opens it. */
export interface ChannelInstance {
  id: number
  tenantId: number
  /** Channel id, such as `whatsapp`. */
  channel: string
  /** Configuration, validated here against the channel's `configSchema`. */
  config: Record<string, unknown>
  credentials: ChannelCredentialStore
  /** Renews the lease and resolves with whether this process still owns the instance. */
  holdsLease?: () => Promise<boolean>
}

type RuntimeListener<Event extends keyof ChannelDriverEvents> = (event: {
  instance: ChannelInstance
  payload: ChannelDriverEvents[Event]
}) => void

interface Session {
  instance: ChannelInstance
  driver: ChannelDriver
  plugin: string
}

/** Raised when an instance names a channel no active plugin brings. */
export class UnknownChannelError extends Error {
  code = 'E_CHANNEL_UNKNOWN'
}

/**
 * Live channel sessions of the channels process: one driver per open
 * instance, made from the channel plugins. Driver events are re-emitted to
 * the runtime's listeners with their instance, and status changes become
 * `instance:status_changed` domain events.
 *
 * NOTE: ownership of an instance across several channels processes (the
 * Redis lease with a fencing token) is the caller's job; `open` assumes
 * the caller holds the lease.
 */
export class ChannelRuntime {
  #sessions = new Map<number, Session>()
  /** The member whose request an instance's driver is carrying out, by instance id. */
  #requesters = new Map<number, number>()
  #listeners: { [Event in keyof ChannelDriverEvents]: Set<RuntimeListener<Event>> } = {
    status: new Set(),
    receipt: new Set(),
    inbound: new Set(),
    health: new Set(),
  }
  #started = false

  constructor(
    private host: PluginHost,
    private logger: Logger
  ) {}

  get started() {
    return this.#started
  }

  start() {
    this.#started = true
    const channels = this.host.channels().map(({ channel }) => channel.id)
    this.logger.info({ channels }, 'channel runtime started')
  }

  /** The channel definition of an id, from an active plugin. */
  channel(id: string) {
    const found = this.host.channels().find(({ channel }) => channel.id === id)
    if (!found) {
      throw new UnknownChannelError(`Unknown channel "${id}": enable the plugin that brings it`)
    }
    return found
  }

  /** A provider message id in the channel's format, chosen before a send. */
  createMessageId(channelId: string) {
    return (this.channel(channelId).channel.createMessageId ?? randomMessageId)()
  }

  on<Event extends keyof ChannelDriverEvents>(event: Event, listener: RuntimeListener<Event>) {
    this.#listeners[event].add(listener)
  }

  off<Event extends keyof ChannelDriverEvents>(event: Event, listener: RuntimeListener<Event>) {
    this.#listeners[event].delete(listener)
  }

  session(instanceId: number) {
    return this.#sessions.get(instanceId)?.driver
  }

  async #validConfig(channel: ChannelDefinition, config: Record<string, unknown>) {
    if (!channel.configSchema) {
      return {}
    }
    return (await vine.create(channel.configSchema).validate(config)) as Record<string, unknown>
  }

  /**
   * Makes the instance's driver and connects it. Opening an instance that
   * is already open returns its driver.
   */
  async open(instance: ChannelInstance) {
    if (!this.#started) {
      throw new Error(
        'The channel runtime is not started: instances open only in the channels role'
      )
    }
    const existing = this.#sessions.get(instance.id)
    if (existing) {
      return existing.driver
    }
    const { plugin, channel } = this.channel(instance.channel)
    const logger = this.logger.child({
      pluginName: plugin,
      channel: channel.id,
      instanceId: instance.id,
    })
    const driver = channel.createDriver({
      instanceId: instance.id,
      tenantId: instance.tenantId,
      config: await this.#validConfig(channel, instance.config),
      credentials: instance.credentials,
      logger,
      holdsLease: instance.holdsLease,
    })
    this.#wire(instance, driver, logger)
    this.#sessions.set(instance.id, { instance, driver, plugin })
    await driver.connect()
    return driver
  }

  #wire(instance: ChannelInstance, driver: ChannelDriver, logger: Logger) {
    let previous: ChannelStatus | null = null
    driver.on('status', (payload) => {
      logger.info(
        { status: payload.status, reason: payload.reason },
        'channel instance status changed'
      )
      const from = previous
      previous = payload.status
      // A driver repeats a status on a new QR code: the listeners still get
      // it, but the status did not change. A driver that `close` forgot
      // reports its last statuses for a session that is over or handed over.
      const current = this.#sessions.get(instance.id)?.driver === driver
      if (current && payload.status !== from) {
        emitDomainEvent('instance:status_changed', {
          tenantId: instance.tenantId,
          instanceId: instance.id,
          channel: instance.channel,
          status: payload.status,
          previousStatus: from,
          reason: payload.reason ?? null,
          userId: this.#requesters.get(instance.id) ?? null,
          occurredAt: payload.at.toISOString(),
        }).catch((error) => logger.error({ err: error }, 'instance status event failed'))
      }
      this.#forward('status', instance, payload)
    })
    driver.on('receipt', (payload) => this.#forward('receipt', instance, payload))
    driver.on('inbound', (payload) => this.#forward('inbound', instance, payload))
    driver.on('health', (payload) => {
      logger.warn(
        { state: payload.state, code: payload.code, reason: payload.reason },
        'channel account health changed'
      )
      this.#forward('health', instance, payload)
    })
  }

  #forward<Event extends keyof ChannelDriverEvents>(
    event: Event,
    instance: ChannelInstance,
    payload: ChannelDriverEvents[Event]
  ) {
    for (const listener of this.#listeners[event]) {
      try {
        listener({ instance, payload })
      } catch (error) {
        this.logger.error(
          { err: error, event, instanceId: instance.id },
          'channel runtime listener failed'
        )
      }
    }
  }

  /**
   * Ends an instance's session at a member's request and keeps its driver,
   * whose status listeners end the session once it is terminal. The status
   * changes the driver reports meanwhile carry `userId`, the member who
   * requested it, or `null` for the system.
   */
  async disconnect(instanceId: number, options: { logout?: boolean; userId?: number | null } = {}) {
    const session = this.#sessions.get(instanceId)
    if (!session) {
      return
    }
    if (options.userId !== null && options.userId !== undefined) {
      this.#requesters.set(instanceId, options.userId)
    }
    try {
      await session.driver.disconnect({ logout: options.logout })
    } finally {
      this.#requesters.delete(instanceId)
    }
  }

  /**
   * Forgets an instance's driver and disconnects it. The statuses the
   * driver reports from then on reach the listeners but become no domain
   * event.
   */
  async close(instanceId: number, options: { logout?: boolean } = {}) {
    const session = this.#sessions.get(instanceId)
    if (!session) {
      return
    }
    this.#sessions.delete(instanceId)
    await session.driver.disconnect(options)
  }

  /** Disconnects every instance, for shutdown. Errors are logged. */
  async stop() {
    for (const instanceId of [...this.#sessions.keys()]) {
      await this.close(instanceId).catch((error) =>
        this.logger.error({ err: error, instanceId }, 'channel instance failed to disconnect')
      )
    }
    this.#started = false
    this.logger.info('channel runtime stopped')
  }
}

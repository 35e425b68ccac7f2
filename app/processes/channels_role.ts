import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Logger } from '@adonisjs/core/logger'
import { TERMINAL_STATUSES } from '#sdk'
import ChannelInstance from '#models/channel_instance'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import { createRedisConnection } from '#queues/redis_connection'
import type { PluginHost } from '#plugins/plugin_host'
import { ChannelRuntime } from '#plugins/channel_runtime'
import env from '#start/env'
import { InstanceLeases } from '#services/channels/instance_lease'
import { InstanceSession } from '#services/channels/instance_session'
import {
  controlChannel,
  type ControlCommand,
  type ControlReply,
} from '#services/channels/channel_control'

let current: ChannelRuntime | null = null

/**
 * The channel runtime of this process, or `null` when the process does not
 * run the channels role.
 */
export function channelRuntime() {
  return current
}

export interface ChannelsRoleOptions {
  /**
   * Lifetime of an instance lease without renewal, in milliseconds, so the
   * time a crashed owner's instances wait before another process takes
   * them. Renewal runs at a third of it.
   *
   * @default CHANNEL_LEASE_TTL_MS, or 15000
   */
  leaseTtlMs: number
}

/**
 * The channels role owns live channel sessions. Each instance whose status
 * is not terminal is owned by one channels process at a time, through a
 * lease in Redis: every process looks for unowned instances at a third of
 * the lease time and takes the ones it can. Commands from web processes
 * (connect, disconnect, log out, channel actions) arrive over Redis pub/sub
 * and are handled by the owner.
 */
export class ChannelsRole {
  #sessions = new Map<number, InstanceSession>()
  #claiming = new Set<number>()
  #channels = new Set<string>()
  #runtime: ChannelRuntime
  #redis: Redis | null = null
  #subscriber: Redis | null = null
  #leases: InstanceLeases | null = null
  #scanTimer: NodeJS.Timeout | null = null
  #stopping = false
  readonly ownerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`

  private options: ChannelsRoleOptions

  constructor(
    private logger: Logger,
    private plugins: PluginHost,
    options: Partial<ChannelsRoleOptions> = {}
  ) {
    this.options = { leaseTtlMs: env.get('CHANNEL_LEASE_TTL_MS') ?? 15_000, ...options }
    this.#runtime = new ChannelRuntime(plugins, logger)
    this.#runtime.on('status', ({ instance, payload }) =>
      this.#live(instance.id)?.onStatus(payload)
    )
    this.#runtime.on('receipt', ({ instance, payload }) =>
      this.#live(instance.id)?.onReceipt(payload)
    )
    this.#runtime.on('inbound', ({ instance, payload }) =>
      this.#live(instance.id)?.onInbound(payload)
    )
    this.#runtime.on('health', ({ instance, payload }) =>
      this.#live(instance.id)?.onHealth(payload)
    )
  }

  /** The session of an instance, unless it ended. */
  #live(instanceId: number) {
    const session = this.#sessions.get(instanceId)
    return session && !session.ended ? session : undefined
  }

  async start() {
    for (const { channel } of this.plugins.channels()) {
      this.#channels.add(channel.id)
    }
    this.#runtime.start()
    current = this.#runtime
    this.#redis = createRedisConnection('channels-leases')
    this.#leases = new InstanceLeases(this.#redis, this.ownerId, this.options.leaseTtlMs)

    this.#subscriber = createRedisConnection('channels-commands')
    this.#subscriber.on('message', (_topic, raw: string) => void this.#onCommand(raw))
    await this.#subscriber.subscribe(controlChannel())

    await this.#scan()
    const every = Math.max(200, Math.floor(this.options.leaseTtlMs / 3))
    this.#scanTimer = setInterval(() => void this.#scan(), every)
    this.logger.info(
      {
        ownerId: this.ownerId,
        channels: [...this.#channels],
        leaseTtlMs: this.options.leaseTtlMs,
      },
      'channels role started'
    )
  }

  /** Ids of the instances this process owns now. */
  ownedInstances() {
    return [...this.#sessions.keys()]
  }

  async #scan() {
    if (this.#stopping || this.#channels.size === 0) {
      return
    }
    try {
      const rows = await runAsSystem(() =>
        ChannelInstance.query()
          .whereNotIn('status', TERMINAL_STATUSES)
          .whereIn('channel', [...this.#channels])
          .select('id')
      )
      for (const row of rows) {
        await this.#claim(row.id)
      }
    } catch (error) {
      this.logger.error({ err: error }, 'instance scan failed')
    }
  }

  /** Takes the instance's lease if it is free and starts its session. */
  async #claim(instanceId: number) {
    if (this.#stopping || this.#sessions.has(instanceId) || this.#claiming.has(instanceId)) {
      return
    }
    this.#claiming.add(instanceId)
    try {
      const lease = await this.#leases!.acquire(instanceId)
      if (!lease) {
        return
      }
      const instance = await runAsSystem(() => ChannelInstance.find(instanceId))
      if (!instance || !this.#channels.has(instance.channel)) {
        await this.#leases!.release(lease)
        return
      }

      const scoped = await runInTenant(instance.tenantId, () =>
        ChannelInstance.findOrFail(instanceId)
      )
      const session = new InstanceSession({
        instance: scoped,
        runtime: this.#runtime,
        lease,
        leases: this.#leases!,
        logger: this.logger,
        onEnded: (id) => this.#sessions.delete(id),
      })
      this.#sessions.set(instanceId, session)
      await session.start()
    } catch (error) {
      this.logger.error({ err: error, instanceId }, 'instance claim failed')
      await this.#sessions.get(instanceId)?.end('stopped')
    } finally {
      this.#claiming.delete(instanceId)
    }
  }

  async #onCommand(raw: string) {
    let command: ControlCommand
    try {
      command = JSON.parse(raw) as ControlCommand
    } catch (error) {
      this.logger.warn({ err: error }, 'invalid channels command ignored')
      return
    }

    if (!this.#sessions.has(command.instanceId) && command.action === 'connect') {
      await this.#claim(command.instanceId)
    }
    const session = this.#sessions.get(command.instanceId)
    if (!session || session.ended) {
      return
    }

    let reply: ControlReply
    try {
      reply = { id: command.id, ok: true, result: await session.handle(command) }
    } catch (error) {
      const failure = error as { code?: string; message: string; status?: number }
      this.logger.warn(
        { err: error, instanceId: command.instanceId, action: command.action, name: command.name },
        'channels command failed'
      )
      reply = {
        id: command.id,
        ok: false,
        error: {
          code: failure.code ?? 'E_CHANNEL_COMMAND_FAILED',
          message: failure.message,
          status: failure.status ?? 500,
        },
      }
    }
    await this.#redis!.publish(command.replyTo, JSON.stringify(reply))
  }

  async stop() {
    this.#stopping = true
    if (this.#scanTimer) {
      clearInterval(this.#scanTimer)
    }
    await this.#subscriber?.quit().catch(() => this.#subscriber?.disconnect())
    await Promise.all([...this.#sessions.values()].map((session) => session.end('stopped')))
    await this.#runtime.stop()
    current = null
    await this.#redis?.quit().catch(() => this.#redis?.disconnect())
    this.logger.info('channels role stopped')
  }
}

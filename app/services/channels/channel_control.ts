import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { Exception } from '@adonisjs/core/exceptions'
import { createRedisConnection, redisKeyPrefix } from '#queues/redis_connection'

/**
 * A command for the channels process that owns an instance: `connect`
 * (anyone may take a free instance), `disconnect`, `logout`, or `perform`
 * (a channel action such as the sandbox's `scan`).
 */
export interface ControlCommand {
  id: string
  instanceId: number
  action: 'connect' | 'disconnect' | 'logout' | 'perform'
  /** Channel action name, for `perform`. */
  name?: string
  input?: Record<string, unknown>
  /** The member who requested a `disconnect` or `logout`, or `null` for the system. */
  userId?: number | null
  /** Redis channel the handler publishes its `ControlReply` on. */
  replyTo: string
}

export interface ControlReply {
  id: string
  ok: boolean
  result?: Record<string, unknown>
  error?: { code: string; message: string; status: number }
}

/** Raised when no channels process answered a command in time. */
export class ChannelsUnavailableException extends Exception {
  static status = 503
  static code = 'E_CHANNELS_UNAVAILABLE'
}

/** A command's failure as the owner reported it, re-raised in the requesting process. */
export class ChannelCommandException extends Exception {}

export function controlChannel() {
  return `${redisKeyPrefix()}:channels:control`
}

/** How long a requester waits for the owner's reply, in milliseconds. */
const REPLY_TIMEOUT_MS = 10_000

let publisher: Redis | undefined
let subscriber: Redis | undefined
let subscribed: Promise<unknown> | undefined
const replyChannel = `${redisKeyPrefix()}:channels:reply:${randomUUID()}`
const pending = new Map<string, (reply: ControlReply) => void>()

function connections() {
  publisher ??= createRedisConnection('channels-control')
  if (!subscriber) {
    subscriber = createRedisConnection('channels-replies')
    subscriber.on('message', (_channel, raw: string) => {
      const reply = JSON.parse(raw) as ControlReply
      pending.get(reply.id)?.(reply)
    })
    subscribed = subscriber.subscribe(replyChannel)
  }
  return { publisher, ready: subscribed! }
}

/** The shared publishing connection of this process. */
export function controlPublisher() {
  return connections().publisher
}

/**
 * Publishes a command to the channels processes and waits for the reply of
 * the one that handles it. Raises the owner's error, or
 * `E_CHANNELS_UNAVAILABLE` when no process answered within 10 seconds.
 */
export async function sendCommand(
  command: Omit<ControlCommand, 'id' | 'replyTo'>
): Promise<Record<string, unknown>> {
  const { publisher: redis, ready } = connections()
  await ready
  const full: ControlCommand = { ...command, id: randomUUID(), replyTo: replyChannel }

  const reply = await new Promise<ControlReply | null>((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(full.id)
      resolve(null)
    }, REPLY_TIMEOUT_MS)
    pending.set(full.id, (answer) => {
      clearTimeout(timer)
      pending.delete(full.id)
      resolve(answer)
    })
    void redis.publish(controlChannel(), JSON.stringify(full))
  })

  if (!reply) {
    throw new ChannelsUnavailableException(
      `No channels process answered "${command.action}" for instance ${command.instanceId}: start one with "node ace channels" or PROCESS_ROLES`
    )
  }
  if (!reply.ok) {
    throw new ChannelCommandException(reply.error!.message, {
      code: reply.error!.code,
      status: reply.error!.status,
    })
  }
  return reply.result ?? {}
}

/** Publishes a command without waiting: a wake-up for processes that may take the instance. */
export async function broadcastCommand(command: Omit<ControlCommand, 'id' | 'replyTo'>) {
  const full: ControlCommand = { ...command, id: randomUUID(), replyTo: replyChannel }
  await connections().publisher.publish(controlChannel(), JSON.stringify(full))
}

/** Closes this process's control connections; the next command opens new ones. */
export async function closeControl() {
  const open = [publisher, subscriber].filter((connection) => connection !== undefined)
  publisher = undefined
  subscriber = undefined
  subscribed = undefined
  await Promise.all(
    open.map((connection) => connection.quit().catch(() => connection.disconnect()))
  )
}

import { randomUUID } from 'node:crypto'
import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'
import type { Redis } from 'ioredis'
import type { HttpContext } from '@adonisjs/core/http'
import Membership from '#models/membership'
import User from '#models/user'
import { runAsSystem } from '#tenancy/tenant_context'
import { INBOX_READER_ROLE, PAIRING_READER_ROLE, roleAtLeast, type Role } from '#tenancy/roles'
import { SESSION_VERSION_KEY } from '#services/session_version'
import { createRedisConnection, redisKeyPrefix } from '#queues/redis_connection'
import { controlPublisher } from '#services/channels/channel_control'

/** How often this process checks its open event streams against the database, in milliseconds. */
const CHECK_INTERVAL_MS = 10_000

/** The member behind one open event stream, as it was when the stream opened. */
interface StreamOwner {
  userId: number
  sessionVersion: number
}

/** Open event streams of this process, by stream uid. */
const owners = new Map<string, StreamOwner>()

const TENANT_CHANNEL = /^tenants\/(\d+)\/(.+)$/

/**
 * Tells whether a member with `role` in the channel's tenant may follow the
 * channel, given the channel's name after `tenants/<id>/`: any member may
 * follow the tenant's channels, the inbox needs a role that reads it, and
 * the `managed/` channels, which carry pairing data, a role that reads
 * that. Subscriptions and the checks of open streams apply the same rule.
 */
export function mayFollow(role: Role | null, rest: string) {
  if (role === null) {
    return false
  }
  if (rest === 'inbox') {
    return roleAtLeast(role, INBOX_READER_ROLE)
  }
  return rest.startsWith('managed/') ? roleAtLeast(role, PAIRING_READER_ROLE) : true
}

/** Reads the user's role in a tenant, or `null` when the user is not a member. */
export async function roleIn(userId: number, tenantId: number) {
  const membership = await runAsSystem(() =>
    Membership.query().where('user_id', userId).where('tenant_id', tenantId).first()
  )
  return membership?.role ?? null
}

/** Records the member behind a new event stream, from the request that opened it. */
function rememberStream(uid: string, context: HttpContext) {
  const user = context.auth?.user
  if (!user) {
    return
  }
  const sessionVersion = Number(context.session?.get(SESSION_VERSION_KEY, 0) ?? 0)
  owners.set(uid, { userId: user.id, sessionVersion })
}

/**
 * Ends an event stream and drops every message sent to it afterwards.
 * Transmit keeps listing the stream until its HTTP response closes, and a
 * broadcast or keep-alive ping that reaches it in between would write after
 * end: the stream would emit an error that nothing listens to, which stops
 * the whole process.
 */
function endStream(stream: { writeMessage(...args: never[]): boolean; end(): unknown }) {
  stream.writeMessage = () => true
  stream.end()
}

/**
 * Closes this process's event streams whose member may no longer follow
 * their channels. That happens when the password changed since the stream
 * opened (which signs other sessions out), when the membership of a
 * followed tenant ended, or when the role no longer reads a followed inbox.
 * Subscriptions are checked once, when made, so without this a signed-out
 * or removed member would keep receiving the tenant's events. The page's
 * client reconnects, and its new subscriptions are checked again. Returns
 * how many streams closed.
 */
export async function closeRevokedStreams() {
  const streams = [...transmit.getManager().getAllSubscribers()]
  const userIds = [...new Set([...owners.values()].map((owner) => owner.userId))]
  if (streams.length === 0 || userIds.length === 0) {
    return 0
  }
  const [users, memberships] = await runAsSystem(() =>
    Promise.all([
      User.query().whereIn('id', userIds).select('id', 'session_version'),
      Membership.query().whereIn('user_id', userIds).select('user_id', 'tenant_id', 'role'),
    ])
  )
  const versions = new Map(users.map((user) => [user.id, user.sessionVersion ?? 0]))
  const roles = new Map(
    memberships.map((membership) => [
      `${membership.userId}:${membership.tenantId}`,
      membership.role,
    ])
  )

  let closed = 0
  for (const [stream, channels] of streams) {
    const owner = owners.get(stream.getUid())
    if (!owner) {
      continue
    }
    const current = versions.get(owner.userId) === owner.sessionVersion
    const allowed = [...channels].every((channel) => {
      const match = TENANT_CHANNEL.exec(channel)
      return !match || mayFollow(roles.get(`${owner.userId}:${match[1]}`) ?? null, match[2])
    })
    if (!current || !allowed) {
      logger.info(
        { userId: owner.userId, streamUid: stream.getUid(), signedOut: !current },
        'event stream closed: its member may no longer follow it'
      )
      owners.delete(stream.getUid())
      endStream(stream)
      closed++
    }
  }
  return closed
}

/** Identifier of this process in the check requests it publishes. */
const processId = randomUUID()

/** Returns the Redis channel on which web processes request stream checks from each other. */
export function streamCheckChannel() {
  return `${redisKeyPrefix()}:streams:check`
}

function checkStreams() {
  closeRevokedStreams().catch((error) => logger.warn({ err: error }, 'event stream check failed'))
}

/**
 * Checks the open event streams of every web process right after a change
 * that can revoke them (a password change, a role change, a removal),
 * instead of at the next interval. This process checks at once, and the
 * others when the request published on Redis reaches them. Failures are
 * logged, because the interval checks again.
 */
export function closeRevokedStreamsSoon() {
  setImmediate(checkStreams)
  controlPublisher()
    .publish(streamCheckChannel(), JSON.stringify({ from: processId }))
    .catch((error) => logger.warn({ err: error }, 'event stream check request failed'))
}

/** The connection that receives other processes' check requests, once a stream opened. */
let checkRequests: Redis | undefined

/**
 * Runs a check when another web process publishes a request for one. The
 * connection opens with the first stream and again with the next stream
 * after it closed, as when every Redis connection of the process is closed
 * to reach another server.
 */
function followCheckRequests() {
  const subscriber = createRedisConnection('stream-checks')
  checkRequests = subscriber
  subscriber.once('end', () => {
    if (checkRequests === subscriber) {
      checkRequests = undefined
    }
  })
  subscriber.on('message', (_channel, raw: string) => {
    let from: unknown
    try {
      from = (JSON.parse(raw) as { from?: unknown }).from
    } catch {
      logger.warn({ raw: raw.slice(0, 100) }, 'event stream check request ignored: invalid JSON')
      return
    }
    if (from !== processId) {
      checkStreams()
    }
  })
  subscriber.subscribe(streamCheckChannel()).catch((error) => {
    logger.warn({ err: error }, 'event stream check requests not followed')
  })
}

let timer: NodeJS.Timeout | undefined

/**
 * Starts tracking this web process's event streams, checking them every
 * CHECK_INTERVAL_MS and whenever another web process requests it. Call it
 * once, where the process registers Transmit's routes.
 */
export function guardEventStreams() {
  transmit.on('connect', ({ uid, context }) => {
    rememberStream(uid, context as HttpContext)
    if (!checkRequests) {
      followCheckRequests()
    }
  })
  transmit.on('disconnect', ({ uid }) => owners.delete(uid))
  if (!timer) {
    timer = setInterval(checkStreams, CHECK_INTERVAL_MS)
    timer.unref()
  }
}

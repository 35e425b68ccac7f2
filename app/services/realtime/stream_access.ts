import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'
import type { HttpContext } from '@adonisjs/core/http'
import Membership from '#models/membership'
import User from '#models/user'
import { runAsSystem } from '#tenancy/tenant_context'
import { INBOX_READER_ROLE, roleAtLeast, type Role } from '#tenancy/roles'
import { SESSION_VERSION_KEY } from '#services/session_version'

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
 * channel: any member may follow the tenant's channels, and the inbox needs
 * a role that reads it. Subscriptions and the checks of open streams apply
 * the same rule.
 */
export function mayFollow(role: Role | null, rest: string) {
  if (role === null) {
    return false
  }
  return rest === 'inbox' ? roleAtLeast(role, INBOX_READER_ROLE) : true
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
      stream.end()
      closed++
    }
  }
  return closed
}

/**
 * Checks this process's open event streams right after a change that can
 * revoke them (a password change, a role change, a removal), instead of at
 * the next interval. Failures are logged, because the interval checks again.
 */
export function closeRevokedStreamsSoon() {
  setImmediate(() => {
    closeRevokedStreams().catch((error) => logger.warn({ err: error }, 'event stream check failed'))
  })
}

let timer: NodeJS.Timeout | undefined

/**
 * Starts tracking this web process's event streams and checking them every
 * CHECK_INTERVAL_MS. Call it once, where the process registers Transmit's
 * routes.
 */
export function guardEventStreams() {
  transmit.on('connect', ({ uid, context }) => rememberStream(uid, context as HttpContext))
  transmit.on('disconnect', ({ uid }) => owners.delete(uid))
  timer ??= setInterval(() => {
    closeRevokedStreams().catch((error) => logger.warn({ err: error }, 'event stream check failed'))
  }, CHECK_INTERVAL_MS)
  timer.unref()
}

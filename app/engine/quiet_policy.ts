import type { DateTime } from 'luxon'
import type { Redis } from 'ioredis'
import logger from '@adonisjs/core/services/logger'
import type { CampaignRecord } from '#models/campaign'
import Tenant, { type TenantQuietHours } from '#models/tenant'
import { currentWindowClose } from '#flow/local_time'
import { createRedisConnection, redisKeyPrefix } from '#queues/redis_connection'
import { engineRedis } from '#engine/engine_redis'

/**
 * How long a process keeps a tenant's quiet hours before reading them
 * again, in milliseconds. A change is announced to every process at once
 * (see `announceTenantQuietHoursChange`), so this only bounds how long a
 * process that missed the announcement, say during a lost Redis
 * connection, keeps the old policy.
 */
const TENANT_POLICY_TTL_MS = 30_000

interface TenantPolicy {
  loadedAt: number
  quietHours: TenantQuietHours | null
  timezone: string
}

const tenantPolicies = new Map<number, TenantPolicy>()

/** Redis channel on which a tenant id is published when that tenant's quiet hours or time zone change. */
function changesChannel() {
  return `${redisKeyPrefix()}:engine:tenant-quiet-hours-changed`
}

let subscriber: Redis | undefined

/**
 * Subscribes this process, once, to the announced changes, so each drops
 * its copy of the tenant's policy. Every (re)connection also drops all
 * copies, because announcements published while it was down are lost.
 */
function listenForChanges() {
  if (subscriber) {
    return
  }
  const created = createRedisConnection('engine-quiet-hours')
  created.on('ready', () => tenantPolicies.clear())
  created.on('message', (_channel, raw: string) => tenantPolicies.delete(Number(raw)))
  created.once('end', () => {
    if (subscriber === created) subscriber = undefined
  })
  created.subscribe(changesChannel()).catch((error) => {
    logger.warn({ err: error }, 'quiet hours change subscription failed')
  })
  subscriber = created
}

async function tenantPolicy(tenantId: number) {
  listenForChanges()
  const cached = tenantPolicies.get(tenantId)
  if (cached && Date.now() - cached.loadedAt < TENANT_POLICY_TTL_MS) {
    return cached
  }
  const tenant = await Tenant.findOrFail(tenantId)
  const policy = { loadedAt: Date.now(), quietHours: tenant.quietHours, timezone: tenant.timezone }
  tenantPolicies.set(tenantId, policy)
  return policy
}

/** Drops this process's copy of the tenant's quiet hours, after they change. */
export function forgetTenantQuietHours(tenantId: number) {
  tenantPolicies.delete(tenantId)
}

/**
 * Drops every process's copy of the tenant's quiet hours, after they or
 * the tenant's time zone changed: this one's at once, the others' when the
 * Redis message reaches them.
 */
export async function announceTenantQuietHoursChange(tenantId: number) {
  forgetTenantQuietHours(tenantId)
  await engineRedis().publish(changesChannel(), String(tenantId))
}

/**
 * When the campaign's quiet-hours policy forbids sending to a contact in
 * `contactZone` at `now`, the instant the quiet period ends; otherwise
 * `null`. A campaign's own window is read in the contact's time zone. A
 * campaign that keeps the tenant's policy follows the tenant's window, read
 * in the contact's or the tenant's time zone as the tenant chose, and sends
 * at any hour while the tenant has none.
 */
export async function quietUntil(campaign: CampaignRecord, now: DateTime, contactZone: string) {
  const policy = campaign.quietHours
  if (policy.mode === 'custom') {
    return currentWindowClose(now, policy.window, contactZone)
  }
  const tenant = await tenantPolicy(campaign.tenantId)
  if (!tenant.quietHours) {
    return null
  }
  const zone = tenant.quietHours.basis === 'tenant' ? tenant.timezone : contactZone
  return currentWindowClose(now, tenant.quietHours, zone)
}

import type { DateTime } from 'luxon'
import type { CampaignRecord } from '#models/campaign'
import Tenant, { type TenantQuietHours } from '#models/tenant'
import { currentWindowClose } from '#flow/local_time'

/**
 * How long a process keeps a tenant's quiet hours before reading them
 * again, in milliseconds. Saving them refreshes the saving process's copy
 * at once, and other processes apply the change within this time.
 */
const TENANT_POLICY_TTL_MS = 30_000

interface TenantPolicy {
  loadedAt: number
  quietHours: TenantQuietHours | null
  timezone: string
}

const tenantPolicies = new Map<number, TenantPolicy>()

async function tenantPolicy(tenantId: number) {
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

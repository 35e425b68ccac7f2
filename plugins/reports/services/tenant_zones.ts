import { db } from '#sdk'

/** How long a process reuses a tenant's time zone before reading it again, in milliseconds. */
const ZONE_TTL_MS = 60_000

const zones = new Map<number, { zone: string; readAt: number }>()

/**
 * The tenant's IANA time zone, which decides the day a count falls on.
 * A changed zone applies to counts made after the cache expires; days
 * already counted keep the zone they were counted in.
 */
export async function tenantTimeZone(tenantId: number) {
  const cached = zones.get(tenantId)
  if (cached && Date.now() - cached.readAt < ZONE_TTL_MS) {
    return cached.zone
  }
  const row = await db.from('tenants').where('id', tenantId).select('timezone').first()
  const zone = row?.timezone || 'UTC'
  zones.set(tenantId, { zone, readAt: Date.now() })
  return zone
}

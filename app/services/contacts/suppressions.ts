import { createHmac } from 'node:crypto'
import Suppression from '#models/suppression'
import { audienceSettings } from '#services/contacts/audience_settings'
import type { Client } from '#services/contacts/bulk_writes'

/**
 * Hashes an E.164 number with the tenant's salt. The salt keeps the hash
 * from being reversed with a precomputed table of all phone numbers.
 */
export function hashPhone(salt: string, e164: string) {
  return createHmac('sha256', salt).update(e164).digest('hex')
}

/**
 * Returns a function that hashes numbers for the current tenant.
 */
export async function phoneHasher() {
  const { hashSalt } = await audienceSettings()
  return (e164: string) => hashPhone(hashSalt, e164)
}

/**
 * Records that the number opted out. Idempotent.
 */
export async function suppress(e164: string, source: string) {
  const hash = (await phoneHasher())(e164)
  await Suppression.firstOrCreate({ phoneHash: hash }, { phoneHash: hash, source })
}

/**
 * Removes the number's suppression, when an operator opts the contact back in.
 */
export async function unsuppress(e164: string) {
  const hash = (await phoneHasher())(e164)
  await Suppression.query().where('phone_hash', hash).delete()
}

/**
 * Returns the hashes among `hashes` that are suppressed in the current tenant.
 */
export async function suppressedHashes(hashes: string[], client?: Client) {
  if (hashes.length === 0) {
    return new Set<string>()
  }
  const rows = await Suppression.query({ client })
    .whereIn('phone_hash', hashes)
    .select('phone_hash')
  return new Set(rows.map((row) => row.phoneHash))
}

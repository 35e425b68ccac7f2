import type { DateTime } from 'luxon'
import type Campaign from '#models/campaign'
import { currentWindowClose } from '#flow/local_time'

/**
 * When the campaign's quiet-hours policy forbids sending to a contact in
 * `timeZone` at `now`, the instant the quiet period ends; otherwise `null`.
 *
 * NOTE: tenants have no stored quiet-hours policy yet, so `{ mode: 'tenant' }`
 * enforces nothing; only a campaign's own window is applied.
 */
export function quietUntil(campaign: Campaign, now: DateTime, timeZone: string) {
  const policy = campaign.quietHours
  if (policy.mode !== 'custom') {
    return null
  }
  return currentWindowClose(now, policy.window, timeZone)
}

import type { AccountHealthEvent } from '#sdk'
import type { ConnectionChange } from './baileys_adapter.js'

/** An account health report as the driver emits it, before its time is stamped. */
export type HealthReport = Omit<AccountHealthEvent, 'at'>

/**
 * Builds the health report of a reach-out time lock: a restriction until
 * the time WhatsApp gave while it is active, and its end once lifted.
 */
export function reachoutLockReport(
  lock: NonNullable<ConnectionChange['reachoutLock']>
): HealthReport {
  return lock.active
    ? {
        state: 'restricted',
        code: 'E_WHATSAPP_REACHOUT_LOCKED',
        reason: `WhatsApp blocks new chats from this number${lock.endsAt ? ` until ${lock.endsAt.toISOString()}` : ''} (reach-out time lock)`,
        until: lock.endsAt,
      }
    : {
        state: 'ok',
        code: 'E_WHATSAPP_REACHOUT_LOCKED',
        reason: 'reach-out time lock ended',
        until: null,
      }
}

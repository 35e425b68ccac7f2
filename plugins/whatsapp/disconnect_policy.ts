/**
 * What the driver does after its socket closed, decided from the close
 * reason alone so every code can be checked without a socket. Codes are
 * Baileys 7's `DisconnectReason` values and WhatsApp's stream error codes.
 */

/** What to do after a close. */
export type DisconnectAction =
  /** Build a new socket at once (WhatsApp asked for a restart after pairing). */
  | { kind: 'reconnect_now'; reason: string }
  /** Delete the credentials and keys, report `logged_out`, never reconnect alone. */
  | { kind: 'wipe_and_stop'; reason: string }
  /** Another client took the session: check the lease, then wait `delayMs`. */
  | { kind: 'check_owner_then_back_off'; reason: string; delayMs: number }
  /** Stop and report `restricted`, so an operator looks at the number. */
  | { kind: 'stop_and_alert'; reason: string; code: number }
  /** Wait `delayMs`, then build a new socket; `attempt` counts from 1. */
  | { kind: 'back_off'; reason: string; delayMs: number; attempt: number }

export interface BackoffOptions {
  /** Delay of the first retry, in milliseconds. @default 1000 */
  baseMs: number
  /** Maximum delay, in milliseconds. @default 300000 (5 minutes) */
  maxMs: number
  /**
   * How long a session must stay `open` for its next close to count as a
   * fresh failure instead of one more in a row, in milliseconds.
   *
   * @default 60000
   */
  stableAfterMs: number
  /** Minimum delay after a `connectionReplaced` (440), in milliseconds. @default 60000 */
  replacedDelayMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 1000,
  maxMs: 300_000,
  stableAfterMs: 60_000,
  replacedDelayMs: 60_000,
}

export interface DisconnectInput {
  /** Baileys' status code of the close, `null` when the error carried none. */
  statusCode: number | null
  /** The stream error's `type`, such as `device_removed`. */
  streamErrorType: string | null
  /** Failed connections in a row before this close. */
  failures: number
  /** When the session last reached `open`, in epoch milliseconds; `null` when it did not. */
  openedAt: number | null
  /** Now, in epoch milliseconds. */
  now: number
}

export interface DisconnectDecision {
  action: DisconnectAction
  /** Failed connections in a row after this close, for the next decision. */
  failures: number
}

/** Codes after which the number needs an operator: forbidden, multidevice mismatch, version rejected. */
const ALERT_CODES: Record<number, string> = {
  403: 'forbidden (403): WhatsApp blocked this number or this client',
  405: 'client version rejected (405): upgrade the WhatsApp plugin',
  411: 'multidevice mismatch (411): the phone must enable linked devices',
}

/** Codes retried with backoff, and how they read in logs. */
const RETRY_CODES: Record<number, string> = {
  408: 'connection lost or timed out (408)',
  428: 'connection closed (428)',
  500: 'bad session (500)',
  503: 'service unavailable (503)',
}

/**
 * A delay of `baseMs * 2^(attempt - 1)`, capped at `maxMs`, with "equal
 * jitter": a random point in the upper half of that delay, so instances
 * dropped together do not reconnect together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random = Math.random) {
  const exponential = options.baseMs * 2 ** Math.max(0, attempt - 1)
  const capped = Math.min(options.maxMs, exponential)
  return Math.round(capped / 2 + (random() * capped) / 2)
}

/**
 * Decides what follows a close. A close within `stableAfterMs` of `open`
 * (or before any `open`) adds to the failures in a row; a close after a
 * stable session starts counting again from one, so a flapping session
 * backs off further each time instead of looping.
 */
export function decideDisconnect(
  input: DisconnectInput,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random = Math.random
): DisconnectDecision {
  const code = input.statusCode
  const stable = input.openedAt !== null && input.now - input.openedAt >= options.stableAfterMs
  const failures = (stable ? 0 : input.failures) + 1

  if (code === 515) {
    return { action: { kind: 'reconnect_now', reason: 'restart required (515)' }, failures: 0 }
  }
  if (code === 401) {
    return { action: { kind: 'wipe_and_stop', reason: 'logged out (401)' }, failures: 0 }
  }
  if (code === 440 && input.streamErrorType === 'device_removed') {
    return {
      action: { kind: 'wipe_and_stop', reason: 'device removed from the phone (440)' },
      failures: 0,
    }
  }
  if (code === 440) {
    return {
      action: {
        kind: 'check_owner_then_back_off',
        reason: 'connection replaced by another session (440)',
        delayMs: Math.max(options.replacedDelayMs, backoffDelay(failures, options, random)),
      },
      failures,
    }
  }
  if (code !== null && ALERT_CODES[code]) {
    return { action: { kind: 'stop_and_alert', reason: ALERT_CODES[code], code }, failures: 0 }
  }

  const reason =
    code === null ? 'connection closed without a code' : (RETRY_CODES[code] ?? `code ${code}`)
  return {
    action: {
      kind: 'back_off',
      reason,
      delayMs: backoffDelay(failures, options, random),
      attempt: failures,
    },
    failures,
  }
}

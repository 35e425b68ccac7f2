import { errors as limiterErrors } from '@adonisjs/limiter'
import type { Limiter } from '@adonisjs/limiter'

/** Outcome of `guardedAttempt`: the check's result, or how long the key stays blocked. */
export type GuardedOutcome<T> =
  { blocked: false; value: T } | { blocked: true; availableIn: number }

/**
 * Runs a secret check (a password) under `limiter`, counting the attempt
 * before the check runs, so guesses sent in parallel cannot all pass a
 * limit read before any of them was counted. A check that succeeds
 * (`succeeded` returns true for its result) gives the attempts back by
 * clearing the key. One that fails, or throws, keeps its count, and its error goes
 * on. Once the key used its attempts, the check does not run and the
 * outcome gives the seconds that remain.
 */
export async function guardedAttempt<T>(
  limiter: Limiter,
  key: string,
  check: () => Promise<T>,
  succeeded: (value: T) => boolean = () => true
): Promise<GuardedOutcome<T>> {
  try {
    await limiter.consume(key)
  } catch (error) {
    if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
      return { blocked: true, availableIn: error.response.availableIn }
    }
    throw error
  }
  const value = await check()
  if (succeeded(value)) {
    await limiter.delete(key)
  }
  return { blocked: false, value }
}

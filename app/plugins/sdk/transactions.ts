import { setTimeout as sleep } from 'node:timers/promises'
import db from '@adonisjs/lucid/services/db'

/** A transaction of the install's database, as `db.transaction` passes it. */
export type Transaction = Awaited<ReturnType<typeof db.transaction>>

/** Options of `inRetriedTransaction`. */
export interface RetriedTransactionOptions {
  /** Tries in all, the first one included, before a deadlock error is raised. Default 3. */
  attempts?: number
}

/**
 * Maximum wait before the second try, in milliseconds, doubled at each
 * later try. Each wait is a random part of it, so transactions that
 * deadlocked together do not start again together and meet once more.
 */
const RETRY_WAIT_MS = 10

/**
 * Runs `work` in a transaction, and runs it again after a short random
 * wait when InnoDB rolls it back as a deadlock victim (`ER_LOCK_DEADLOCK`).
 * The rollback undoes the whole try, so `work` starts again from the state
 * before it. Other errors are raised at once.
 */
export async function inRetriedTransaction<Result>(
  work: (trx: Transaction) => Promise<Result>,
  options: RetriedTransactionOptions = {}
) {
  const attempts = options.attempts ?? 3
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work)
    } catch (error) {
      if ((error as { code?: string }).code !== 'ER_LOCK_DEADLOCK' || attempt >= attempts) {
        throw error
      }
      await sleep(Math.random() * RETRY_WAIT_MS * 2 ** (attempt - 1))
    }
  }
}

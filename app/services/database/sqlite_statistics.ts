import db from '@adonisjs/lucid/services/db'
import type { Logger } from '@adonisjs/core/logger'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/** Milliseconds between two statistics checks of the SQLite database. */
export const STATISTICS_INTERVAL_MS = 15_000

/**
 * Index entries an analysis reads, at most, so that analysing a table of
 * millions of rows takes milliseconds and does not hold up the process.
 * The figures stay large enough to show the planner that a workspace has
 * many rows.
 */
const ANALYSIS_ROWS = 10_000

/**
 * Analyses the tables `connection` has read whose size changed a lot
 * since their last analysis, through SQLite's `PRAGMA optimize`. It costs
 * next to nothing when no table did.
 */
export async function refreshSqliteStatistics(connection: QueryClientContract) {
  await connection.rawQuery(`PRAGMA analysis_limit = ${ANALYSIS_ROWS}`)
  await connection.rawQuery('PRAGMA optimize')
}

/**
 * Checks the statistics of the default connection at once when it is
 * SQLite, as after a step that grew a table many times over, such as a
 * campaign's enrollment. A failed check is logged and skipped, since the
 * periodic check comes soon.
 */
export async function checkSqliteStatisticsNow(logger: Logger) {
  const connection = db.connection()
  if (connection.dialect.name !== 'better-sqlite3') {
    return
  }
  try {
    await refreshSqliteStatistics(connection)
  } catch (error) {
    logger.warn({ err: error }, 'sqlite statistics check failed')
  }
}

/**
 * Keeps SQLite's statistics current while the process runs. Without them,
 * SQLite guesses that `tenant_id = ?` selects a few rows. A read such as
 * `WHERE id IN (...) AND tenant_id = ?` then walks every row of the
 * workspace through the tenant index instead of taking the rows by key,
 * so a large campaign's lookups slow down as it sends. The check runs
 * every STATISTICS_INTERVAL_MS, and the returned function stops it. On
 * MariaDB and MySQL, InnoDB keeps its own statistics and nothing runs.
 */
export function keepSqliteStatistics(logger: Logger) {
  const connection = db.connection()
  if (connection.dialect.name !== 'better-sqlite3') {
    return () => {}
  }
  let running = false
  const check = async () => {
    if (running) return
    running = true
    const started = performance.now()
    try {
      await refreshSqliteStatistics(connection)
      logger.debug({ ms: Math.round(performance.now() - started) }, 'sqlite statistics checked')
    } catch (error) {
      // A busy database skips this check; the next one comes soon.
      logger.warn({ err: error }, 'sqlite statistics check failed')
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void check(), STATISTICS_INTERVAL_MS).unref()
  return () => clearInterval(timer)
}

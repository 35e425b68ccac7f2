import type { QueryClientContract } from '@adonisjs/lucid/types/database'

/** The database, or a transaction of it. */
export type Client = QueryClientContract

/**
 * Bound values one statement may carry. SQLite allows 32,766 since 3.32 and
 * MySQL 65,535; this stays below both.
 */
export const MAX_BINDINGS = 30_000

/**
 * Splits items into slices of at most `size`.
 */
export function* chunked<Item>(items: Item[], size: number) {
  const step = Math.max(1, Math.floor(size))
  for (let start = 0; start < items.length; start += step) {
    yield items.slice(start, start + step)
  }
}

/**
 * Splits rows for multi-row inserts so that no statement carries more bound
 * values than both databases accept.
 */
export function insertChunks<Row extends object>(rows: Row[]) {
  const columns = rows.length > 0 ? Object.keys(rows[0]).length : 1
  return chunked(rows, MAX_BINDINGS / columns)
}

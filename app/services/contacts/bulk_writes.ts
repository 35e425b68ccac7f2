import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'

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

/**
 * Inserts rows of values, given in the order of `columns`, with one
 * multi-row INSERT per chunk of at most `MAX_BINDINGS` values. The SQL is
 * written here instead of through the query builder, because the builder
 * compiles every row's object into placeholders again: about a fifth of
 * what a contact import allocated in bench/contact_import.ts. With
 * `ignoreConflicts`, a row that would break that unique key is skipped:
 * `INSERT IGNORE` on MySQL, `ON CONFLICT … DO NOTHING` on SQLite.
 */
export async function insertRows(
  client: Client,
  table: string,
  columns: string[],
  rows: (string | number | null)[][],
  options: { ignoreConflicts?: string[] } = {}
) {
  const mysql = client.dialect.name === 'mysql'
  const quote = (name: string) => (mysql ? `\`${name}\`` : `"${name}"`)
  const ignored = options.ignoreConflicts
  const head = `insert ${ignored && mysql ? 'ignore ' : ''}into ${quote(table)} (${columns.map(quote).join(', ')}) values `
  const tail = ignored && !mysql ? ` on conflict (${ignored.map(quote).join(', ')}) do nothing` : ''
  const placeholders = `(${columns.map(() => '?').join(', ')})`

  for (const chunk of chunked(rows, MAX_BINDINGS / columns.length)) {
    const values = new Array(chunk.length).fill(placeholders).join(', ')
    await client.rawQuery(`${head}${values}${tail}`, chunk.flat() as StrictValues[])
  }
}

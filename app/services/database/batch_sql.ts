import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'
import type { Transaction } from '#plugins/sdk/transactions'

/**
 * Selects `columns` of rows by id in id order, locked until the commit on
 * MariaDB and MySQL. SQLite runs one writer at a time and has no row locks.
 * A `tenantId` of `null` reads the rows of every tenant.
 */
export function lockRows(
  trx: Transaction,
  table: string,
  ids: number[],
  tenantId: number | null,
  columns: string[] = ['*']
) {
  const query = trx
    .from(table)
    .whereIn('id', ids)
    .orderBy('id')
    .select(...columns)
  if (tenantId !== null) {
    query.where('tenant_id', tenantId)
  }
  return trx.dialect.name === 'mysql' ? query.forUpdate() : query
}

/**
 * Updates many rows of `table` by one statement: each column is a
 * `CASE id` over the rows that set it and keeps its value for the others.
 * `changes` maps a row id to its column values.
 */
export async function updateByCase(
  trx: Transaction,
  table: string,
  changes: Map<number, Record<string, unknown>>
) {
  if (changes.size === 0) {
    return
  }
  const entries = [...changes.entries()]
  const columns = [...new Set(entries.flatMap(([, values]) => Object.keys(values)))]
  const assignments: string[] = []
  const bindings: unknown[] = []
  for (const column of columns) {
    const setting = entries.filter(([, values]) => column in values)
    assignments.push(`?? = case ?? ${setting.map(() => 'when ? then ?').join(' ')} else ?? end`)
    bindings.push(column, 'id')
    for (const [id, values] of setting) bindings.push(id, values[column])
    bindings.push(column)
  }
  const ids = entries.map(([id]) => id)
  const sql = `update ?? set ${assignments.join(', ')} where ?? in (${ids.map(() => '?').join(', ')})`
  await trx.rawQuery(sql, [table, ...bindings, 'id', ...ids] as StrictValues[])
}

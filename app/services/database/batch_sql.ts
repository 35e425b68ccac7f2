import db from '@adonisjs/lucid/services/db'
import type { StrictValues } from '@adonisjs/lucid/types/querybuilder'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { requireTenantScope } from '#tenancy/tenant_context'
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

/** Options of `instanceRowFinder`. */
export interface InstanceRowFinderOptions {
  /** A tenant-owned table with an `instance_id` column. */
  table: string
  /** The column a find looks for a value in. */
  column: string
  /** Conditions every read adds, as column and value. */
  where?: Record<string, string | number>
  /** The model named in the error raised when a find runs outside a tenant scope. */
  modelName: string
  /** See `BatcherOptions.windowMs`. Default 0. */
  windowMs?: number
}

/**
 * Makes a finder of rows of one channel instance by the value of a column,
 * such as a conversation by address. The finds of one instance made at the
 * same time share one `WHERE column IN` query, limited to the tenant in
 * scope (every tenant in the system scope). A find resolves with the row,
 * or `null` when there is none.
 */
export function instanceRowFinder(options: InstanceRowFinderOptions) {
  const batcher = new KeyedBatcher<string, string, Map<string, Record<string, unknown>>>(
    async (scope, values) => {
      const [tenantId, instanceId] = scope.split(':')
      const query = db
        .from(options.table)
        .where('instance_id', Number(instanceId))
        .whereIn(options.column, [...new Set(values)])
      if (options.where) {
        query.where(options.where)
      }
      if (tenantId !== 'system') {
        query.where('tenant_id', Number(tenantId))
      }
      const rows = await query
      return new Map(rows.map((row) => [String(row[options.column]), row]))
    },
    { windowMs: options.windowMs }
  )

  return async (instanceId: number, value: string) => {
    const tenantId = requireTenantScope(options.modelName) ?? 'system'
    const rows = await batcher.add(`${tenantId}:${instanceId}`, value)
    return rows.get(value) ?? null
  }
}

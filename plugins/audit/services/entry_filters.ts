import { DateTime } from 'luxon'
import { MAX_PAGE, sqlTime, vine } from '#sdk'
import AuditEntry from '../models/audit_entry.js'

export const filtersValidator = vine.create(
  vine.object({
    action: vine.string().trim().maxLength(60).optional(),
    actorId: vine.number().positive().withoutDecimals().optional(),
    targetType: vine.string().trim().maxLength(40).optional(),
    from: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
    to: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
    page: vine.number().positive().withoutDecimals().max(MAX_PAGE).optional(),
  })
)

export interface EntryFilters {
  action?: string
  actorId?: number
  targetType?: string
  from?: Date
  to?: Date
}

/**
 * Builds the query of the tenant's entries matching the filters, newest first. `from` and `to`
 * are whole days in UTC, both included.
 */
export function filteredEntries(tenantId: number, filters: EntryFilters) {
  const query = AuditEntry.query().where('tenant_id', tenantId)
  if (filters.action) {
    query.where('action', filters.action)
  }
  if (filters.actorId) {
    query.where('actor_id', filters.actorId)
  }
  if (filters.targetType) {
    query.where('target_type', filters.targetType)
  }
  if (filters.from) {
    query.where(
      'created_at',
      '>=',
      sqlTime(DateTime.fromJSDate(filters.from, { zone: 'utc' }).startOf('day'))
    )
  }
  if (filters.to) {
    query.where(
      'created_at',
      '<',
      sqlTime(DateTime.fromJSDate(filters.to, { zone: 'utc' }).plus({ days: 1 }).startOf('day'))
    )
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc')
}

/** Values the filter selects offer: the tenant's recorded actions, actors and target types. */
export async function filterOptions(tenantId: number) {
  const distinct = (column: string) =>
    AuditEntry.query()
      .where('tenant_id', tenantId)
      .whereNotNull(column)
      .distinct(column)
      .orderBy(column)
  const actors = await AuditEntry.query()
    .where('tenant_id', tenantId)
    .whereNotNull('actor_id')
    .distinct('actor_id', 'actor_label')
    .orderBy('actor_label')
  const actions = await distinct('action')
  const targetTypes = await distinct('target_type')
  return {
    actions: actions.map((row) => row.action),
    targetTypes: targetTypes.map((row) => row.targetType!),
    actors: actors.map((row) => ({ id: row.actorId!, label: row.actorLabel ?? `#${row.actorId}` })),
  }
}

import { db } from '#sdk'
import type AuditEntry from '../models/audit_entry.js'

/**
 * Table and name column of each kind of target whose rows carry a
 * `tenant_id`. Members, users and the tenant are read apart, kinds not
 * listed (settings, the audit log itself) have no name, and a plugin
 * target's id is its name.
 */
const NAME_SOURCES: Record<string, { table: string; column: string }> = {
  campaign: { table: 'campaigns', column: 'name' },
  contact_list: { table: 'contact_lists', column: 'name' },
  channel_instance: { table: 'channel_instances', column: 'name' },
  contact_import: { table: 'contact_imports', column: 'file_name' },
  contact: { table: 'contacts', column: 'name' },
  template: { table: 'templates', column: 'name' },
  webhook_endpoint: { table: 'webhook_endpoints', column: 'url' },
  api_token: { table: 'api_tokens', column: 'name' },
  invitation: { table: 'invitations', column: 'email' },
}

/** Reads the names of one kind of target by id, for the tenant's rows only. */
async function namesOf(tenantId: number, targetType: string, ids: string[]) {
  if (targetType === 'plugin') {
    return new Map(ids.map((id) => [id, id]))
  }
  const numeric = ids.map(Number).filter((id) => Number.isInteger(id) && id > 0)
  if (numeric.length === 0) {
    return new Map<string, string>()
  }
  const rows = await targetRows(tenantId, targetType, numeric)
  return new Map(
    rows.filter((row) => row.name).map((row) => [String(row.id), String(row.name)] as const)
  )
}

/** Reads the id and name of the tenant's records of one kind of target, such as `campaign`. */
export function targetRows(
  tenantId: number,
  targetType: string,
  ids: number[]
): Promise<{ id: number; name: string | null }[]> {
  if (targetType === 'membership') {
    return db
      .from('memberships')
      .join('users', 'users.id', 'memberships.user_id')
      .where('memberships.tenant_id', tenantId)
      .whereIn('memberships.id', ids)
      .select('memberships.id', 'users.full_name as name')
  }
  if (targetType === 'user') {
    return db
      .from('users')
      .join('memberships', 'memberships.user_id', 'users.id')
      .where('memberships.tenant_id', tenantId)
      .whereIn('users.id', ids)
      .select('users.id', 'users.full_name as name')
  }
  if (targetType === 'tenant') {
    return db.from('tenants').where('id', tenantId).whereIn('id', ids).select('id', 'name')
  }
  const source = NAME_SOURCES[targetType]
  if (!source) {
    return Promise.resolve([])
  }
  return db
    .from(source.table)
    .where('tenant_id', tenantId)
    .whereIn('id', ids)
    .select('id', `${source.column} as name`)
}

/**
 * Names the targets of the entries, such as a campaign's or a template's
 * name: entry id to name. A target that was deleted, or whose kind has no
 * name, is left out, so the page shows its kind and id.
 */
export async function targetNamesOf(tenantId: number, entries: AuditEntry[]) {
  const idsByType = new Map<string, Set<string>>()
  for (const entry of entries) {
    if (entry.targetType && entry.targetId) {
      const ids = idsByType.get(entry.targetType) ?? new Set<string>()
      ids.add(entry.targetId)
      idsByType.set(entry.targetType, ids)
    }
  }

  const namesByType = new Map<string, Map<string, string>>()
  for (const [targetType, ids] of idsByType) {
    namesByType.set(targetType, await namesOf(tenantId, targetType, [...ids]))
  }

  const byEntry = new Map<number, string>()
  for (const entry of entries) {
    const name = namesByType.get(entry.targetType ?? '')?.get(entry.targetId ?? '')
    if (name) {
      byEntry.set(entry.id, name)
    }
  }
  return byEntry
}

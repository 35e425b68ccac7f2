import type AuditEntry from '../models/audit_entry.js'
import { targetRows } from './entry_targets.js'

/** Kinds of record an entry's values can refer to by id, and the fields that hold those ids. */
const REFERENCE_FIELDS = {
  lists: ['listId', 'listIds'],
  campaigns: ['campaignId', 'campaignIds'],
  members: ['userId'],
} as const

type ReferenceKind = keyof typeof REFERENCE_FIELDS

/** Names of the records that entries refer to, by kind and then by id. */
export type ReferenceNames = Record<ReferenceKind, Record<string, string>>

function kindOfField(field: string) {
  const kinds = Object.keys(REFERENCE_FIELDS) as ReferenceKind[]
  return kinds.find((kind) => (REFERENCE_FIELDS[kind] as readonly string[]).includes(field))
}

/** Adds to `into` the ids that the reference fields of `value` hold, at any depth. */
function collectIds(value: unknown, into: Record<ReferenceKind, Set<number>>) {
  if (Array.isArray(value)) {
    value.forEach((item) => collectIds(item, into))
    return
  }
  if (value === null || typeof value !== 'object') {
    return
  }
  for (const [field, item] of Object.entries(value)) {
    const kind = kindOfField(field)
    if (!kind) {
      collectIds(item, into)
      continue
    }
    const ids = [item].flat().map(Number)
    ids.filter((id) => Number.isInteger(id) && id > 0).forEach((id) => into[kind].add(id))
  }
}

/** Target type whose names `targetRows` reads, for each kind of reference. */
const TARGET_TYPES: Record<ReferenceKind, string> = {
  lists: 'contact_list',
  campaigns: 'campaign',
  members: 'user',
}

/**
 * Names the lists, campaigns and members that the entries' values refer to
 * by id, such as the lists of a finished import, so the page shows names
 * instead of numbers. A record that was deleted, or belongs to another
 * tenant, is left out and the page shows its id.
 */
export async function referenceNamesOf(
  tenantId: number,
  entries: AuditEntry[]
): Promise<ReferenceNames> {
  const ids: Record<ReferenceKind, Set<number>> = {
    lists: new Set(),
    campaigns: new Set(),
    members: new Set(),
  }
  collectIds(
    entries.map((entry) => [entry.before, entry.after]),
    ids
  )

  const names: ReferenceNames = { lists: {}, campaigns: {}, members: {} }
  for (const kind of Object.keys(ids) as ReferenceKind[]) {
    if (ids[kind].size === 0) {
      continue
    }
    const rows = await targetRows(tenantId, TARGET_TYPES[kind], [...ids[kind]])
    for (const row of rows.filter((entry) => entry.name)) {
      names[kind][String(row.id)] = String(row.name)
    }
  }
  return names
}

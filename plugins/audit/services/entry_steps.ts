import { campaignStepNames } from '#sdk'
import type AuditEntry from '../models/audit_entry.js'

type Translate = (key: string, values?: Record<string, string | number>) => string

/**
 * Adds to `into` the node ids an entry's value holds: the string of every
 * `nodeId` key and the strings of every `nodeIds` list, at any depth, such
 * as the step filter of `messages.exported`.
 */
function collectNodeIds(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) {
    value.forEach((item) => collectNodeIds(item, into))
    return
  }
  if (value === null || typeof value !== 'object') {
    return
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === 'nodeId' && typeof item === 'string') {
      into.add(item)
    } else if (key === 'nodeIds' && Array.isArray(item)) {
      item.filter((nodeId) => typeof nodeId === 'string').forEach((nodeId) => into.add(nodeId))
    } else {
      collectNodeIds(item, into)
    }
  }
}

/** Returns the campaign an entry is about, or `null` for an entry about something else. */
function campaignOf(entry: AuditEntry) {
  const id = Number(entry.targetId)
  return entry.targetType === 'campaign' && Number.isInteger(id) && id > 0 ? id : null
}

/**
 * Names the campaign steps the entries' values refer to by node id, as the
 * flow editor shows them: entry id to node id to name. A step that no
 * version of the flow has any more is left out, so the page shows its id.
 */
export async function stepNamesOf(tenantId: number, entries: AuditEntry[], t: Translate) {
  const requested = new Map<number, Set<string>>()
  const entryNodes = new Map<number, { campaignId: number; nodeIds: Set<string> }>()
  for (const entry of entries) {
    const campaignId = campaignOf(entry)
    const nodeIds = new Set<string>()
    collectNodeIds([entry.before, entry.after], nodeIds)
    if (campaignId === null || nodeIds.size === 0) {
      continue
    }
    entryNodes.set(entry.id, { campaignId, nodeIds })
    const campaignNodes = requested.get(campaignId) ?? new Set<string>()
    nodeIds.forEach((nodeId) => campaignNodes.add(nodeId))
    requested.set(campaignId, campaignNodes)
  }

  const names = new Map<number, Map<string, string>>()
  for (const [campaignId, nodeIds] of requested) {
    names.set(campaignId, await campaignStepNames(tenantId, campaignId, nodeIds, t))
  }

  const byEntry = new Map<number, Record<string, string>>()
  for (const [entryId, { campaignId, nodeIds }] of entryNodes) {
    const campaignNames = names.get(campaignId)!
    const known = [...nodeIds].filter((nodeId) => campaignNames.has(nodeId))
    byEntry.set(entryId, Object.fromEntries(known.map((id) => [id, campaignNames.get(id)!])))
  }
  return byEntry
}

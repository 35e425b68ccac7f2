import type AuditEntry from '../models/audit_entry.js'

/** Converts an entry to the shape the page and the CSV show. */
export function presentEntry(entry: AuditEntry) {
  return {
    id: entry.id,
    createdAt: entry.createdAt.toUTC().toISO(),
    action: entry.action,
    actorId: entry.actorId,
    actor: entry.actorLabel,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ipAddress: entry.ipAddress,
    before: entry.before,
    after: entry.after,
  }
}

import { HttpContext } from '@adonisjs/core/http'
import { db } from '#sdk'
import AuditEntry from '../models/audit_entry.js'

/** Fields of a new entry. `actorId` and `ipAddress` default to the current request's. */
export interface EntryInput {
  tenantId: number
  action: string
  actorId?: number | null
  targetType?: string | null
  targetId?: string | number | null
  ipAddress?: string | null
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

/**
 * Reads the signed-in user and the client address of the request this code
 * runs in, through AdonisJS's async local storage (`useAsyncLocalStorage` in
 * config/app.ts). Both are `null` in jobs and commands.
 */
function requestOrigin() {
  const ctx = HttpContext.get()
  return {
    actorId: (ctx?.auth?.user as { id?: number } | undefined)?.id ?? null,
    ipAddress: ctx?.request.ip() ?? null,
  }
}

/** Reads the actor's e-mail from the core's `users` table, because the SDK has no user directory. */
async function actorLabel(actorId: number | null) {
  if (actorId === null) {
    return null
  }
  const row = await db.from('users').where('id', actorId).select('email').first()
  return (row?.email as string | undefined) ?? null
}

/** Appends one entry to the tenant's audit log. */
export async function recordEntry(input: EntryInput) {
  const origin = requestOrigin()
  const actorId = input.actorId === undefined ? origin.actorId : input.actorId
  return AuditEntry.create({
    tenantId: input.tenantId,
    action: input.action,
    actorId,
    actorLabel: await actorLabel(actorId),
    targetType: input.targetType ?? null,
    targetId:
      input.targetId === null || input.targetId === undefined ? null : String(input.targetId),
    ipAddress: input.ipAddress === undefined ? origin.ipAddress : input.ipAddress,
    before: input.before ?? null,
    after: input.after ?? null,
  })
}

/** Tenants the user is a member of, from the core's `memberships` table. */
export async function tenantsOfUser(userId: number) {
  const rows = await db.from('memberships').where('user_id', userId).select('tenant_id')
  return rows.map((row) => Number(row.tenant_id))
}

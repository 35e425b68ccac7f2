import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import transmit from '@adonisjs/transmit/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import WorkspaceDeletion from '#models/workspace_deletion'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import { DELETION_STEPS, rowTotals } from '#services/workspaces/deletion_progress'
import { fromSqlTime } from '#sdk'

/**
 * Transmit channel of one deletion's progress. Only the members the
 * workspace had when its deletion was requested may follow it.
 */
export function workspaceDeletionChannel(deletionId: number) {
  return `workspace-deletions/${deletionId}`
}

/**
 * Serializes a deletion for its progress page and its channel. Every
 * message carries the whole state, so a page that missed one shows the
 * right figures with the next.
 */
export function serializeDeletion(deletion: WorkspaceDeletion) {
  const { progress } = deletion
  const rows = rowTotals(progress)
  return {
    id: deletion.id,
    workspaceName: deletion.workspaceName,
    requestedBy: deletion.requestedByEmail,
    requestedAt: deletion.requestedAt.toISO(),
    status: deletion.status,
    step: deletion.step,
    percent: deletion.status === 'finished' ? 100 : progress.percent,
    steps: DELETION_STEPS.map((name) => ({ name, ...progress.steps[name] })),
    tables: Object.entries(progress.tables)
      .filter(([, counts]) => counts.total > 0)
      .map(([name, counts]) => ({ name, ...counts })),
    rowsTotal: rows.total,
    rowsRemoved: rows.removed,
    finishedAt: deletion.finishedAt?.toISO() ?? null,
  }
}

export type DeletionView = ReturnType<typeof serializeDeletion>

/** Broadcasts the deletion's state. A failed broadcast is logged: the state is stored already. */
export function broadcastDeletion(deletion: WorkspaceDeletion) {
  try {
    transmit.broadcast(
      workspaceDeletionChannel(deletion.id),
      JSON.parse(JSON.stringify(serializeDeletion(deletion)))
    )
  } catch (error) {
    logger.warn({ err: error, deletionId: deletion.id }, 'workspace deletion broadcast failed')
  }
}

/**
 * Records who requested the tenant's deletion, when, and who its members
 * were, inside the transaction that marks the tenant.
 */
export async function recordDeletionRequest(
  trx: TransactionClientContract,
  tenant: Tenant,
  requester: User | null,
  members: { userId: number; role: string }[]
) {
  const deletion = await WorkspaceDeletion.create(
    {
      workspaceId: tenant.id,
      workspaceName: tenant.name,
      workspaceLocale: tenant.locale ?? null,
      requestedById: requester?.id ?? null,
      requestedByEmail: requester?.email ?? null,
      requestedAt: tenant.deletionRequestedAt ?? DateTime.utc(),
      status: 'queued',
      step: null,
      attempts: 0,
    },
    { client: trx }
  )
  if (members.length > 0) {
    await trx.table('workspace_deletion_members').multiInsert(
      members.map((member) => ({
        deletion_id: deletion.id,
        user_id: member.userId,
        role: member.role,
      }))
    )
  }
  return deletion
}

export function deletionOfTenant(tenantId: number) {
  return WorkspaceDeletion.findBy('workspaceId', tenantId)
}

/**
 * Returns the deletion of a tenant marked before deletions were recorded,
 * making a record without requester or members when it has none.
 */
export async function ensureDeletionRecord(tenantId: number) {
  const existing = await deletionOfTenant(tenantId)
  if (existing) {
    return existing
  }
  const tenant = await db
    .from('tenants')
    .where('id', tenantId)
    .select('name', 'locale', 'deletion_requested_at')
    .firstOrFail()
  return WorkspaceDeletion.create({
    workspaceId: tenantId,
    workspaceName: tenant.name,
    workspaceLocale: tenant.locale ?? null,
    requestedById: null,
    requestedByEmail: null,
    requestedAt: DateTime.fromJSDate(fromSqlTime(tenant.deletion_requested_at)!),
    status: 'queued',
    step: null,
    attempts: 0,
  })
}

/** Limits a deletion query to the ones that listed the user among the workspace's members. */
function ofMember(userId: number) {
  return WorkspaceDeletion.query().whereIn(
    'id',
    db.from('workspace_deletion_members').where('user_id', userId).select('deletion_id')
  )
}

/** Returns the deletion with that id when the user was a member of its workspace, else `null`. */
export function deletionSeenBy(userId: number, deletionId: number) {
  return ofMember(userId).where('id', deletionId).first()
}

/** Returns the deletion of the workspace when the user was one of its members, else `null`. */
export function workspaceDeletionSeenBy(userId: number, workspaceId: number) {
  return ofMember(userId).where('workspace_id', workspaceId).first()
}

/**
 * Returns the most recently finished deletion of a workspace the user was a
 * member of, or `null`: the workspace a user with no current one lost, since
 * deleting a tenant clears the current tenant of its users.
 */
export function lastFinishedDeletionSeenBy(userId: number) {
  return ofMember(userId).where('status', 'finished').orderBy('finished_at', 'desc').first()
}

/** Lists the unfinished deletions of workspaces the user was a member of, oldest first. */
export function openDeletionsSeenBy(userId: number) {
  return ofMember(userId).whereNot('status', 'finished').orderBy('id')
}

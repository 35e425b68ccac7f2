import { randomUUID } from 'node:crypto'
import { DateTime, db, type OutboundMessage } from '#sdk'

/** A row of `sandbox_sends`. */
export interface SandboxSend {
  id: number
  provider_message_id: string
  outcome: 'delivered' | 'failed'
  accepted_at: DateTime
  deliver_due_at: DateTime
  read_due_at: DateTime | null
  delivered_at: DateTime | null
  read_at: DateTime | null
  failed_at: DateTime | null
}

const TIME_COLUMNS = [
  'accepted_at',
  'deliver_due_at',
  'read_due_at',
  'delivered_at',
  'read_at',
  'failed_at',
] as const

/** Writes a time the way both MariaDB and SQLite read it back: UTC, to the second. */
function sqlTime(time: DateTime) {
  return time.toUTC().toFormat('yyyy-LL-dd HH:mm:ss')
}

function readTime(value: unknown) {
  if (value === null || value === undefined) {
    return null
  }
  if (value instanceof Date) {
    return DateTime.fromJSDate(value, { zone: 'utc' })
  }
  return DateTime.fromSQL(String(value), { zone: 'utc' })
}

function toSend(row: Record<string, unknown>): SandboxSend {
  const send = { ...row } as Record<string, unknown>
  for (const column of TIME_COLUMNS) {
    send[column] = readTime(row[column])
  }
  return send as unknown as SandboxSend
}

export interface SendPlan {
  outcome: 'delivered' | 'failed'
  acceptedAt: DateTime
  deliverDueAt: DateTime
  readDueAt: DateTime | null
}

/**
 * Inserts the row of a send unless the instance already has one with that
 * provider message id. Returns the new row's id, or `null` when the row
 * existed: MySQL reports insert id 0 for an ignored row, and SQLite returns
 * no row through `RETURNING`.
 */
async function insertSend(row: Record<string, string | number | null>) {
  const query = db
    .table('sandbox_sends')
    .insert(row)
    .onConflict(['instance_id', 'provider_message_id'])
    .ignore()
  if (db.connection().dialect.name === 'mysql') {
    const [id] = await query
    return Number(id) > 0 ? Number(id) : null
  }
  const [inserted] = await query.returning('id')
  if (!inserted) {
    return null
  }
  return Number(typeof inserted === 'object' ? inserted.id : inserted)
}

/**
 * Records a send once per instance and provider message id. Returns the
 * stored row and whether this call stored it; a repeated id returns the
 * first row and `created: false`, which is how a retried send is recognised.
 */
export async function recordSend(
  owner: { tenantId: number; instanceId: number },
  message: OutboundMessage,
  plan: SendPlan
) {
  const attempt = randomUUID()
  const values = {
    tenant_id: owner.tenantId,
    instance_id: owner.instanceId,
    provider_message_id: message.providerMessageId,
    send_attempt: attempt,
    to_address: message.to,
    body: message.text,
    media_type: message.media?.mimeType ?? null,
    outcome: plan.outcome,
    accepted_at: sqlTime(plan.acceptedAt),
    deliver_due_at: sqlTime(plan.deliverDueAt),
    read_due_at: plan.readDueAt ? sqlTime(plan.readDueAt) : null,
  }
  const id = await insertSend(values)
  if (id !== null) {
    // The row as a read would return it, times to the second, without the read.
    const created = { ...values, id, delivered_at: null, read_at: null, failed_at: null }
    return { send: toSend(created), created: true }
  }

  const row = await db
    .from('sandbox_sends')
    .where('instance_id', owner.instanceId)
    .where('provider_message_id', message.providerMessageId)
    .firstOrFail()
  return { send: toSend(row), created: row.send_attempt === attempt }
}

/** Sends of the instance with a receipt still to report. */
export async function pendingSends(instanceId: number) {
  const rows = await db
    .from('sandbox_sends')
    .where('instance_id', instanceId)
    .where((query) =>
      query
        .where((failed) => failed.where('outcome', 'failed').whereNull('failed_at'))
        .orWhere((delivered) => delivered.where('outcome', 'delivered').whereNull('delivered_at'))
        .orWhere((read) => read.whereNotNull('read_due_at').whereNull('read_at'))
    )
    .orderBy('id')
  return rows.map(toSend)
}

/**
 * Sends of the instance with a receipt reported since `since`. A receipt
 * is stored as reported once the driver emitted it, which can be before
 * the core applied it, so a process that died in between leaves such
 * receipts unapplied.
 */
export async function recentlyReported(instanceId: number, since: DateTime) {
  const after = sqlTime(since)
  const rows = await db
    .from('sandbox_sends')
    .where('instance_id', instanceId)
    .where((query) =>
      query
        .where('delivered_at', '>=', after)
        .orWhere('read_at', '>=', after)
        .orWhere('failed_at', '>=', after)
    )
    .orderBy('id')
  return rows.map(toSend)
}

/** Stores that a receipt was reported. */
export async function markReported(
  sendId: number,
  column: 'delivered_at' | 'read_at' | 'failed_at',
  at: DateTime
) {
  await db
    .from('sandbox_sends')
    .where('id', sendId)
    .update({ [column]: sqlTime(at) })
}

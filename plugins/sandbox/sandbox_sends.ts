import { randomUUID } from 'node:crypto'
import { DateTime, KeyedBatcher, db, sqlTime, type OutboundMessage } from '#sdk'

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

interface SendRequest {
  row: Record<string, string | number | null>
  attempt: string
}

/**
 * Sends of one instance recorded at the same time: one multi-row insert
 * that skips the provider message ids the instance already has, then one
 * read of every row by provider message id.
 */
const sendBatches = new KeyedBatcher<number, SendRequest, Map<string, Record<string, unknown>>>(
  async (instanceId, requests) => {
    await db
      .table('sandbox_sends')
      .multiInsert(requests.map((request) => request.row))
      .onConflict(['instance_id', 'provider_message_id'])
      .ignore()
    const rows = await db
      .from('sandbox_sends')
      .where('instance_id', instanceId)
      .whereIn(
        'provider_message_id',
        requests.map((request) => String(request.row.provider_message_id))
      )
    return new Map(rows.map((row) => [String(row.provider_message_id), row]))
  }
)

/**
 * Records a send once per instance and provider message id, with the
 * concurrent sends of the instance. Returns the stored row and whether
 * this call stored it. A repeated id returns the first row and
 * `created: false`, which is how a retried send is recognised.
 */
export async function recordSend(
  owner: { tenantId: number; instanceId: number },
  message: OutboundMessage,
  plan: SendPlan
) {
  const attempt = randomUUID()
  const row = {
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
  const rows = await sendBatches.add(owner.instanceId, { row, attempt })
  const stored = rows.get(message.providerMessageId)
  if (!stored) {
    throw new Error(`Sandbox send ${message.providerMessageId} was not recorded`)
  }
  return { send: toSend(stored), created: stored.send_attempt === attempt }
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

/**
 * Receipts reported at the same time with the same column and time, stored
 * by one update.
 */
const reportBatches = new KeyedBatcher<string, number, void>(async (key, sendIds) => {
  const [column, at] = key.split('|')
  await db
    .from('sandbox_sends')
    .whereIn('id', [...new Set(sendIds)])
    .update({ [column]: at })
})

/** Stores that a receipt was reported. */
export async function markReported(
  sendId: number,
  column: 'delivered_at' | 'read_at' | 'failed_at',
  at: DateTime
) {
  await reportBatches.add(`${column}|${sqlTime(at)}`, sendId)
}

import type { ReceiptStatus } from '#sdk'
import Message, { type MessageRecord } from '#models/message'
import { rowReader } from '#services/database/row_records'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { requireTenantScope } from '#tenancy/tenant_context'
import {
  statusChange,
  type MessageTimes,
  type StatusChange,
} from '#services/channels/message_status'
import { sqlTime } from '#services/channels/sql_time'
import { inRetriedTransaction, type Transaction } from '#plugins/sdk/transactions'
import { lockRows, updateByCase } from '#services/database/batch_sql'

export interface StatusFailure {
  code: string
  reason: string
}

/** A status to apply to one outbound message. */
export interface StatusRequest {
  messageId: number
  status: ReceiptStatus
  at: Date
  failure?: StatusFailure
}

/** Result of a request: the message as stored after its batch, and the change it made, if any. */
export interface StatusOutcome {
  message: MessageRecord | null
  change: StatusChange | null
}

const COLUMN_OF = {
  queuedAt: 'queued_at',
  sentAt: 'sent_at',
  deliveredAt: 'delivered_at',
  readAt: 'read_at',
  failedAt: 'failed_at',
} as const

/**
 * Status changes of one tenant's messages made at the same time, applied
 * by one transaction that locks the rows in id order. Each request is
 * decided by `statusChange` against the row as the earlier requests of the
 * batch left it, and one statement writes the changed rows.
 */
const batches = new KeyedBatcher<number | null, StatusRequest, Map<StatusRequest, StatusOutcome>>(
  (tenantId, requests) => inRetriedTransaction((trx) => applyStatuses(trx, tenantId, requests))
)

/**
 * Moves a message to `status` if `statusChange` allows it, together with
 * the concurrent requests of the tenant. Runs inside the tenant's scope.
 */
export async function requestStatus(request: StatusRequest): Promise<StatusOutcome> {
  const results = await batches.add(requireTenantScope(Message.name), request)
  return results.get(request)!
}

function timesOf(row: Record<string, unknown>): MessageTimes {
  const at = (value: unknown) => (value ? new Date(0) : null)
  return {
    status: row.status as MessageTimes['status'],
    sentAt: at(row.sent_at),
    deliveredAt: at(row.delivered_at),
    readAt: at(row.read_at),
  }
}

/** Returns `at` to the whole second, as `sqlTime` stores it. */
function storedTime(at: Date) {
  return new Date(Math.floor(at.getTime() / 1000) * 1000)
}

/**
 * Folds `change` into the row's times, the values to write and the row as
 * it reads once they are written.
 */
function fold(
  times: MessageTimes,
  values: Record<string, unknown>,
  row: Record<string, unknown>,
  request: StatusRequest,
  change: StatusChange
) {
  const now = new Date()
  times.status = change.status
  values.status = row.status = change.status
  values.updated_at = sqlTime(now)
  row.updated_at = storedTime(now)
  for (const time of change.times) {
    values[COLUMN_OF[time]] = sqlTime(request.at)
    row[COLUMN_OF[time]] = storedTime(request.at)
    if (time !== 'queuedAt' && time !== 'failedAt') times[time] = request.at
  }
  if (change.status === 'failed' && request.failure) {
    values.failure_code = row.failure_code = request.failure.code.slice(0, 60)
    values.failure_reason = row.failure_reason = request.failure.reason.slice(0, 500)
  }
}

const toMessage = rowReader(Message)

async function applyStatuses(trx: Transaction, tenantId: number | null, requests: StatusRequest[]) {
  const ids = [...new Set(requests.map((request) => request.messageId))].sort((a, b) => a - b)
  const locked = await lockRows(trx, 'messages', ids, tenantId)
  // Copies of the locked rows, which the changes below are folded into, so nothing is read twice.
  const rows = new Map(locked.map((row) => [Number(row.id), { ...row }]))
  const times = new Map(locked.map((row) => [Number(row.id), timesOf(row)]))

  const changes = new Map<number, Record<string, unknown>>()
  const decided = new Map<StatusRequest, StatusChange | null>()
  for (const request of requests) {
    const current = times.get(request.messageId)
    const change = current ? statusChange(current, request.status) : null
    decided.set(request, change)
    if (current && change) {
      const values = changes.get(request.messageId) ?? {}
      fold(current, values, rows.get(request.messageId)!, request, change)
      changes.set(request.messageId, values)
    }
  }
  await updateByCase(trx, 'messages', changes)

  const messages = new Map([...rows].map(([id, row]) => [id, toMessage(row)]))
  const outcomes = new Map<StatusRequest, StatusOutcome>()
  for (const request of requests) {
    outcomes.set(request, {
      message: messages.get(request.messageId) ?? null,
      change: decided.get(request) ?? null,
    })
  }
  return outcomes
}

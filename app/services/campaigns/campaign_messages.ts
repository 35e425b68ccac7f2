import type { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { CAMPAIGN_CANCELLED_CODE } from '#sdk'
import { fromSqlTime } from '#plugins/sdk/sql_time'
import Message, { OUTBOUND_STATUSES, type OutboundStatus } from '#models/message'
import { serializeMessage } from '#services/channels/channel_broadcast'
import { runInTenant } from '#tenancy/tenant_context'
import { UTF8_BOM, csvLine, type CsvReader } from '#services/csv_cells'

/** Rows per page of a campaign's messages page. */
export const CAMPAIGN_MESSAGES_PER_PAGE = 50

/** Rows read at a time while the CSV export streams. */
const EXPORT_CHUNK = 1000

/**
 * A campaign message's status as its pages show it: the stored status,
 * except `cancelled` for a message its campaign's cancel stopped before the
 * send, which is stored as `failed` with failure code `E_CAMPAIGN_CANCELLED`.
 */
export type CampaignMessageStatus = OutboundStatus | 'cancelled'

const CAMPAIGN_MESSAGE_STATUSES: CampaignMessageStatus[] = [...OUTBOUND_STATUSES, 'cancelled']

export interface CampaignMessageFilters {
  status?: CampaignMessageStatus
  nodeId?: string
}

/** Returns the status a campaign's pages show for a message (see `CampaignMessageStatus`). */
export function campaignMessageStatus(message: {
  status: string
  failureCode: string | null
}): string {
  if (message.status === 'failed' && message.failureCode === CAMPAIGN_CANCELLED_CODE) {
    return 'cancelled'
  }
  return message.status
}

/** Reads the filters of the messages page; an unknown status is ignored. */
export function campaignMessageFilters(input: { status?: unknown; nodeId?: unknown }) {
  const filters: CampaignMessageFilters = {}
  if (CAMPAIGN_MESSAGE_STATUSES.includes(input.status as CampaignMessageStatus)) {
    filters.status = input.status as CampaignMessageStatus
  }
  if (typeof input.nodeId === 'string' && input.nodeId.trim() !== '') {
    filters.nodeId = input.nodeId.trim().slice(0, 64)
  }
  return filters
}

/** Builds the query of the campaign's outbound messages with their contact's name, oldest first. */
export function campaignMessagesQuery(campaignId: number, filters: CampaignMessageFilters) {
  const query = Message.query()
    .select('messages.*', 'contacts.name as contact_name')
    .leftJoin('contacts', 'contacts.id', 'messages.contact_id')
    .where('messages.campaign_id', campaignId)
    .where('messages.direction', 'out')
    .orderBy('messages.id')
  if (filters.status === 'cancelled') {
    query.where('messages.status', 'failed').where('messages.failure_code', CAMPAIGN_CANCELLED_CODE)
  } else if (filters.status === 'failed') {
    query
      .where('messages.status', 'failed')
      .where((failed) =>
        failed
          .whereNull('messages.failure_code')
          .orWhereNot('messages.failure_code', CAMPAIGN_CANCELLED_CODE)
      )
  } else if (filters.status) {
    query.where('messages.status', filters.status)
  }
  if (filters.nodeId) {
    query.where('messages.node_id', filters.nodeId)
  }
  return query
}

/** Serializes a campaign message for the messages page. */
export function serializeCampaignMessage(message: Message) {
  return {
    ...serializeMessage(message),
    nodeId: message.nodeId,
    contactName: (message.$extras.contact_name as string | null) ?? null,
  }
}

/**
 * Counts the campaign's messages that reached each step. A message counts
 * for every step whose time it has, so a read message also counts as sent
 * and delivered, whatever order its receipts arrived in. A message its
 * campaign's cancel stopped counts as `cancelled`, not `failed`.
 * `failedBeforeSending` counts the send steps that failed before their
 * message existed, which no message row records.
 */
export async function deliveryCounts(campaignId: number) {
  const [row] = await Message.query()
    .where('campaign_id', campaignId)
    .where('direction', 'out')
    .count('* as total')
    .count('sent_at as sent')
    .count('delivered_at as delivered')
    .count('read_at as read')
    .count('failed_at as stopped')
    .select(
      db.raw('sum(case when failure_code = ? then 1 else 0 end) as cancelled', [
        CAMPAIGN_CANCELLED_CODE,
      ])
    )
  const count = (name: string) => Number(row.$extras[name] ?? 0)
  const [unsent] = await db
    .from('step_failures')
    .where('campaign_id', campaignId)
    .count('* as total')
  return {
    total: count('total'),
    sent: count('sent'),
    delivered: count('delivered'),
    read: count('read'),
    failed: count('stopped') - count('cancelled'),
    cancelled: count('cancelled'),
    failedBeforeSending: Number(unsent.total),
  }
}

/** Rows of the messages page's list of steps that failed before sending. */
export const STEP_FAILURES_SHOWN = 50

/**
 * Lists the campaign's send steps that failed before their message
 * existed (see `recordStepFailure`), newest first, with the contact's name.
 */
export async function campaignStepFailures(campaignId: number, limit = STEP_FAILURES_SHOWN) {
  const rows = await db
    .from('step_failures')
    .leftJoin('contacts', 'contacts.id', 'step_failures.contact_id')
    .where('step_failures.campaign_id', campaignId)
    .select(
      'step_failures.id',
      'step_failures.node_id',
      'step_failures.contact_id',
      'step_failures.code',
      'step_failures.reason',
      'step_failures.created_at',
      'contacts.name as contact_name',
      'contacts.phone as contact_phone'
    )
    .orderBy('step_failures.id', 'desc')
    .limit(limit)
  return rows.map((row) => ({
    id: Number(row.id),
    nodeId: String(row.node_id),
    contactId: row.contact_id === null ? null : Number(row.contact_id),
    contactName: (row.contact_name as string | null) ?? null,
    contactPhone: (row.contact_phone as string | null) ?? null,
    code: String(row.code),
    reason: String(row.reason),
    failedAt: fromSqlTime(row.created_at)?.toISOString() ?? null,
  }))
}

/** Lists the node ids that sent the campaign's messages, for the node filter. */
export async function campaignNodeIds(campaignId: number) {
  const rows = await Message.query()
    .where('campaign_id', campaignId)
    .whereNotNull('node_id')
    .distinct('node_id')
    .orderBy('node_id')
  return rows.map((row) => row.nodeId!)
}

/** Lists the node ids of the campaign's steps that failed before sending. */
export async function stepFailureNodeIds(campaignId: number) {
  const rows = await db
    .from('step_failures')
    .where('campaign_id', campaignId)
    .distinct('node_id')
    .orderBy('node_id')
  return rows.map((row) => String(row.node_id))
}

/**
 * Columns of the CSV export, by id. Each is headed by its translation under
 * `campaign_messages.csv_columns`.
 */
const CSV_COLUMNS = [
  'message_id',
  'contact_name',
  'address',
  'node_id',
  'step',
  'status',
  'queued_at',
  'sent_at',
  'delivered_at',
  'read_at',
  'failed_at',
  'failure_code',
  'failure',
  'failure_reason',
] as const

/** Failure codes that `campaign_messages.failures` explains in the reader's language. */
const EXPLAINED_FAILURES = [
  'E_CAMPAIGN_CANCELLED',
  'E_OPTED_OUT',
  'E_NOT_ON_WHATSAPP',
  'E_TEMPLATE_RENDER',
]

/** Writes a time as ISO 8601 in UTC, as the columns' headers say. */
function utcTime(time: DateTime | null) {
  return time?.toUTC().toISO() ?? null
}

/**
 * Cells of one message in the export's column order. The step is named as
 * the flow editor names it, or by its node id when no version of the flow
 * has it. The status and a known failure are in the reader's language, and
 * the channel's own reason follows as it was stored.
 */
function messageCells(reader: CsvReader, message: Message, stepNames: Map<string, string>) {
  const code = message.failureCode
  return [
    message.id,
    (message.$extras.contact_name as string | null) ?? null,
    message.address,
    message.nodeId,
    message.nodeId ? (stepNames.get(message.nodeId) ?? message.nodeId) : null,
    reader.t(`inbox.status.${campaignMessageStatus(message)}`),
    utcTime(message.queuedAt),
    utcTime(message.sentAt),
    utcTime(message.deliveredAt),
    utcTime(message.readAt),
    utcTime(message.failedAt),
    code,
    code && EXPLAINED_FAILURES.includes(code)
      ? reader.t(`campaign_messages.failures.${code}`)
      : null,
    message.failureReason,
  ]
}

/**
 * Yields the CSV export of the campaign's messages line by line, for
 * `reader`: headed in the reader's language and split by their separator.
 * `stepNames` maps node ids to the steps' names, as `campaignStepNames`
 * returns them. It reads the rows in chunks by id so a campaign of any
 * size streams in bounded memory. Each chunk is read inside the tenant's
 * scope, because the response stream pulls chunks outside the request's
 * async context.
 */
export async function* campaignMessagesCsv(
  tenantId: number,
  campaignId: number,
  filters: CampaignMessageFilters,
  reader: CsvReader,
  stepNames: Map<string, string>
) {
  const headers = CSV_COLUMNS.map((id) => reader.t(`campaign_messages.csv_columns.${id}`))
  yield UTF8_BOM + csvLine(headers, reader.separator)
  let afterId = 0
  while (true) {
    const after = afterId
    const rows = await runInTenant(tenantId, () =>
      campaignMessagesQuery(campaignId, filters)
        .where('messages.id', '>', after)
        .limit(EXPORT_CHUNK)
    )
    for (const message of rows) {
      yield csvLine(messageCells(reader, message, stepNames), reader.separator)
    }
    if (rows.length < EXPORT_CHUNK) {
      return
    }
    afterId = rows[rows.length - 1].id
  }
}

import type { ReceiptStatus } from '#sdk'
import type { MessageStatus } from '#models/message'

/** Order of the forward-only statuses; `failed` is outside it. */
const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3 }

/** Timestamp column of each status, as model attributes. */
export const STATUS_TIME = {
  queued: 'queuedAt',
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  failed: 'failedAt',
} as const

export interface MessageTimes {
  status: MessageStatus
  sentAt: Date | null
  deliveredAt: Date | null
  readAt: Date | null
}

export interface StatusChange {
  status: ReceiptStatus
  /** Columns to set, as model attributes, each to the receipt's time. */
  times: (typeof STATUS_TIME)[keyof typeof STATUS_TIME][]
}

/**
 * Decides what a receipt changes on an outbound message, or `null` when it
 * changes nothing. Statuses only move forward (queued, sent, delivered,
 * read), so a late `delivered` after `read` is ignored; a later status
 * fills the times of the steps it implies when they are missing (a `read`
 * sets `delivered_at` and `sent_at` if no receipt set them). `failed`
 * follows only `queued` or `sent`, and nothing follows `failed`.
 */
export function statusChange(message: MessageTimes, receipt: ReceiptStatus): StatusChange | null {
  if (message.status === 'failed' || message.status === 'received') {
    return null
  }

  if (receipt === 'failed') {
    return RANK[message.status] <= RANK.sent ? { status: 'failed', times: ['failedAt'] } : null
  }

  if (RANK[receipt] <= RANK[message.status]) {
    return null
  }

  const times: StatusChange['times'] = [STATUS_TIME[receipt]]
  if (RANK[receipt] > RANK.delivered && !message.deliveredAt) {
    times.push('deliveredAt')
  }
  if (RANK[receipt] > RANK.sent && !message.sentAt) {
    times.push('sentAt')
  }
  return { status: receipt, times }
}

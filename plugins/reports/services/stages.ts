/** Outbound statuses the reports count, as the messages table names them. */
export const MESSAGE_STAGES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const

/**
 * Everything a bucket counts. `cancelled` counts campaign messages that
 * their campaign's cancel stopped before the send, which are stored as
 * failed but never counted as `failed` (see `message_stages.ts`).
 * `replied` and `opted_out` are counted on the outbound campaign message
 * they answer (see `reply_attribution.ts`); `received` counts inbound messages.
 */
export const COUNTED_STAGES = [
  ...MESSAGE_STAGES,
  'cancelled',
  'replied',
  'opted_out',
  'received',
] as const

export type MessageStage = (typeof MESSAGE_STAGES)[number]
export type CountedStage = (typeof COUNTED_STAGES)[number]

/** A stage reached by a message and the instant it was reached. */
export interface StageEvent {
  stage: CountedStage
  at: Date
}

/**
 * Failure codes the reports describe in the reader's language, under
 * `reports.failure_reasons`. Other codes are shown as they are stored.
 */
export const EXPLAINED_FAILURES = [
  'E_TEMPLATE_RENDER',
  'E_NOT_ON_WHATSAPP',
  'E_OPTED_OUT',
  'E_RECIPIENT_INVALID',
  'E_SEND_TIMEOUT',
  'E_SEND_FAILED',
]

/**
 * Code counted for a failed message stored without a failure code, as the
 * core's `message:failed` event names such a failure.
 */
export const DEFAULT_FAILURE_CODE = 'E_SEND_FAILED'

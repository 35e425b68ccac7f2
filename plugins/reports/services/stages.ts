/** Outbound statuses the reports count, as the messages table names them. */
export const MESSAGE_STAGES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const

/**
 * Everything a bucket counts. `replied` and `opted_out` are counted on the
 * outbound campaign message they answer (see `reply_attribution.ts`);
 * `received` counts inbound messages.
 */
export const COUNTED_STAGES = [...MESSAGE_STAGES, 'replied', 'opted_out', 'received'] as const

export type MessageStage = (typeof MESSAGE_STAGES)[number]
export type CountedStage = (typeof COUNTED_STAGES)[number]

/** A stage reached by a message and the instant it was reached. */
export interface StageEvent {
  stage: CountedStage
  at: Date
}

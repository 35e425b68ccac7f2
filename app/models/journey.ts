import type { RowRecord } from '#services/database/row_records'
import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'

/**
 * The state of a journey.
 *
 * - `active`: its current node runs next.
 * - `waiting`: held at its node until `resumeAt` (a wait, a window, quiet
 *   hours), then follows `pendingPort`.
 * - `awaiting_reply`: parked at a branch-on-reply node until the contact
 *   replies or `resumeAt` passes.
 * - `sending`: its node asked for a send that has not finished yet.
 * - `ended`: done, for the reason in `endReason`.
 */
export type JourneyState = 'active' | 'waiting' | 'awaiting_reply' | 'sending' | 'ended'

/**
 * The states of a journey that has not ended. Queries for a campaign's
 * open journeys list them, so the `(campaign_id, state)` index reads those
 * journeys only, where `state <> 'ended'` would walk the ended ones too.
 */
export const OPEN_JOURNEY_STATES: JourneyState[] = [
  'active',
  'waiting',
  'awaiting_reply',
  'sending',
]

/**
 * One contact walking one published flow version of one campaign. Unique
 * per campaign and contact, so enrolling twice never makes a second one.
 * `step` counts the nodes the journey ran, from 1; every job of the journey
 * names the step it is for, and only the job of the current step changes
 * the row.
 */
export default class Journey extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare campaignId: number

  @column()
  declare contactId: number

  @column()
  declare flowVersionId: number

  /** The channel instance the journey sends through and hears replies on. */
  @column()
  declare instanceId: number

  @column()
  declare state: JourneyState

  /** The node the journey is at. */
  @column()
  declare nodeId: string

  @column()
  declare step: number

  /** When a `waiting` or `awaiting_reply` journey continues, in UTC engine time. */
  @column.dateTime()
  declare resumeAt: DateTime | null

  /** The port a `waiting` journey follows when `resumeAt` comes. */
  @column()
  declare pendingPort: string | null

  /** The `state` of the node's last `awaitReply` decision. */
  @column(jsonColumn<Record<string, unknown> | null>(null))
  declare nodeState: Record<string, unknown> | null

  /** Visits per node id, for nodes with a visit limit. */
  @column(jsonColumn<Record<string, number>>({}))
  declare visits: Record<string, number>

  /** The inbound message that resumes an `awaiting_reply` journey; the first one claims it. */
  @column()
  declare replyMessageId: number | null

  /**
   * The last inbound message that resumed a step of this journey, kept
   * after the step, so a later step never takes the same reply again.
   */
  @column()
  declare lastReplyMessageId: number | null

  /** Step of the send in progress, with the message it created (see `journey_sender`). */
  @column()
  declare sendStep: number | null

  /** Highest message id of the journey before the send of `sendStep` was created. */
  @column()
  declare sendAfterMessageId: number | null

  @column()
  declare sendMessageId: number | null

  /** Set when a job of the journey found its campaign paused; resume releases it. */
  @column({ consume: (value) => Boolean(value) })
  declare held: boolean

  @column()
  declare endReason: string | null

  @column.dateTime()
  declare endedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}

/** A journey row read without a model (see `RowRecord`). */
export type JourneyRecord = RowRecord<typeof Journey>

import type { RowRecord } from '#services/database/row_records'
import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany, hasOne } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany, HasOne } from '@adonisjs/lucid/types/relations'
import type { TimeWindowValue } from '#sdk'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'

export type CampaignState = 'draft' | 'scheduled' | 'running' | 'paused' | 'finished' | 'cancelled'

export const CAMPAIGN_STATES: CampaignState[] = [
  'draft',
  'scheduled',
  'running',
  'paused',
  'finished',
  'cancelled',
]

/** `now`: starts when a member presses start; `at`: starts at `startsAt`. */
export type CampaignStartMode = 'now' | 'at'

/**
 * Quiet hours the send scheduler enforces on every send of the campaign:
 * the tenant's policy, or a window of the campaign's own. Times are the
 * contact's local time.
 */
export type QuietHoursPolicy = { mode: 'tenant' } | { mode: 'custom'; window: TimeWindowValue }

/**
 * A messaging campaign: its audience, channel instances, schedule, pacing,
 * quiet hours and state. Its draft flow is `flow`; journeys run the
 * published version `currentVersionId` and keep the version they started on.
 */
export default class Campaign extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare state: CampaignState

  /** Contact lists of the audience (`contact_lists.id`). */
  @column(jsonColumn<number[]>([]))
  declare listIds: number[]

  /** Segments of the audience (`segments.id`). A contact in several is enrolled once. */
  @column(jsonColumn<number[]>([]))
  declare segmentIds: number[]

  /** Channel instances that send, rotated in this order when there are several. */
  @column(jsonColumn<number[]>([]))
  declare channelInstanceIds: number[]

  /** Campaign variables usable as `{{name}}` in messages, by name. */
  @column(jsonColumn<Record<string, string>>({}))
  declare variables: Record<string, string>

  @column()
  declare startMode: CampaignStartMode

  /** When a campaign with `startMode` `at` starts, in UTC. */
  @column.dateTime()
  declare startsAt: DateTime | null

  /** Shortest time between two sends of one number, in seconds. */
  @column()
  declare minIntervalSeconds: number

  /** Longest time between two sends of one number, in seconds; each gap is random in between. */
  @column()
  declare maxIntervalSeconds: number

  /** Most sends per number per day (tenant's time zone); `null` is no cap. */
  @column()
  declare dailyCapPerNumber: number | null

  /** After this many sends in a row a number rests `pauseMinutes`; `null` is no rest. */
  @column()
  declare pauseAfterSends: number | null

  /** Length of the rest after `pauseAfterSends` sends, in minutes. */
  @column()
  declare pauseMinutes: number | null

  /** Quiet-hours policy; a NULL column reads as the tenant's. */
  @column(jsonColumn<QuietHoursPolicy>({ mode: 'tenant' }))
  declare quietHours: QuietHoursPolicy

  /** The published flow version new journeys start on; `null` until the first publish. */
  @column()
  declare currentVersionId: number | null

  /** The member who created the campaign (`users.id`). */
  @column()
  declare createdBy: number | null

  @column.dateTime()
  declare startedAt: DateTime | null

  @column.dateTime()
  declare pausedAt: DateTime | null

  @column.dateTime()
  declare finishedAt: DateTime | null

  @column.dateTime()
  declare cancelledAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasOne(() => Flow)
  declare flow: HasOne<typeof Flow>

  @hasMany(() => FlowVersion)
  declare versions: HasMany<typeof FlowVersion>

  @belongsTo(() => FlowVersion, { foreignKey: 'currentVersionId' })
  declare currentVersion: BelongsTo<typeof FlowVersion>
}

/** A campaign row read without a model (see `RowRecord`). */
export type CampaignRecord = RowRecord<typeof Campaign>

import type { RowRecord } from '#services/database/row_records'
import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import type { MediaValue } from '#sdk'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'

export type MessageDirection = 'in' | 'out'

/**
 * Statuses of an outbound message. They move forward only, in this order,
 * and `failed` may follow `queued` or `sent`. Inbound messages are `received`.
 */
export const OUTBOUND_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number]
export type MessageStatus = OutboundStatus | 'received'

/**
 * One message carried by a channel instance, in either direction. An
 * outbound row is created before its send is attempted, with the provider
 * message id already chosen, so a retried send is recognisable.
 * `(instance_id, provider_message_id)` is unique.
 */
export default class Message extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare direction: MessageDirection

  @column()
  declare instanceId: number

  /** The contact on the other side; `null` for an inbound sender who is not a contact. */
  @column()
  declare contactId: number | null

  /** Set by the engine for campaign messages. */
  @column()
  declare campaignId: number | null

  @column()
  declare journeyId: number | null

  /** The journey step that created a campaign message; unique with `journeyId`. */
  @column()
  declare journeyStep: number | null

  /** Id of the flow node that sent it, inside the journey's flow version. */
  @column()
  declare nodeId: string | null

  /** The inbox conversation it belongs to; `null` on rows stored before conversations existed. */
  @column()
  declare conversationId: number | null

  /** The agent who wrote an inbox reply; `null` on campaign, API and inbound messages. */
  @column()
  declare sentByUserId: number | null

  @column()
  declare providerMessageId: string

  /** The other side's address: recipient of an outbound, sender of an inbound. E.164 for phones. */
  @column()
  declare address: string

  /** Display name the sender chose, on inbound messages. */
  @column()
  declare senderName: string | null

  /** Text, or the caption of the media. */
  @column()
  declare body: string | null

  @column(jsonColumn<MediaValue | null>(null))
  declare media: MediaValue | null

  /** Provider id of the message this one quotes. */
  @column()
  declare inReplyTo: string | null

  @column()
  declare status: MessageStatus

  @column.dateTime()
  declare queuedAt: DateTime | null

  @column.dateTime()
  declare sentAt: DateTime | null

  @column.dateTime()
  declare deliveredAt: DateTime | null

  @column.dateTime()
  declare readAt: DateTime | null

  @column.dateTime()
  declare failedAt: DateTime | null

  @column.dateTime()
  declare receivedAt: DateTime | null

  /** Error code of a failure, such as `E_NOT_ON_WHATSAPP`. */
  @column()
  declare failureCode: string | null

  /** Reason of a failure, in English, as the driver gave it. */
  @column()
  declare failureReason: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => ChannelInstance, { foreignKey: 'instanceId' })
  declare instance: BelongsTo<typeof ChannelInstance>

  @belongsTo(() => Contact)
  declare contact: BelongsTo<typeof Contact>
}

/** A message row read without a model (see `RowRecord`). */
export type MessageRecord = RowRecord<typeof Message>

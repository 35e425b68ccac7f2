import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import type { MessageDirection } from '#models/message'
import { withTenantScope } from '#tenancy/tenant_scoped'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import User from '#models/user'

/**
 * The exchange between one channel instance and one contact: every inbound
 * and outbound message between them, campaign sends and inbox replies
 * alike. A sender who is not a contact gets a conversation keyed by the
 * address they wrote from. `(instance_id, address)` is unique.
 */
export default class Conversation extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare instanceId: number

  /** `null` while the sender matches no contact of the tenant. */
  @column()
  declare contactId: number | null

  /** Recipient of replies: the contact's phone, or the unknown sender's address. */
  @column()
  declare address: string

  /** Display name the sender last chose, for senders who are not contacts. */
  @column()
  declare senderName: string | null

  @column()
  declare assignedUserId: number | null

  /** Inbound messages since an agent last opened the conversation. */
  @column()
  declare unreadCount: number

  @column()
  declare lastMessageId: number | null

  @column.dateTime()
  declare lastMessageAt: DateTime | null

  @column()
  declare lastDirection: MessageDirection | null

  /** The start of the last message's text, or its media type. */
  @column()
  declare lastPreview: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => ChannelInstance, { foreignKey: 'instanceId' })
  declare instance: BelongsTo<typeof ChannelInstance>

  @belongsTo(() => Contact)
  declare contact: BelongsTo<typeof Contact>

  @belongsTo(() => User, { foreignKey: 'assignedUserId' })
  declare assignee: BelongsTo<typeof User>
}

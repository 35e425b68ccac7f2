import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { withTenantScope } from '#tenancy/tenant_scoped'
import User from '#models/user'

/** An internal note an agent left on a conversation. It is never sent to the contact. */
export default class ConversationNote extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare conversationId: number

  /** The author; `null` once the user was deleted. */
  @column()
  declare userId: number | null

  @column()
  declare body: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare author: BelongsTo<typeof User>
}

import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { withTenantScope } from '#tenancy/tenant_scoped'
import Tenant from '#models/tenant'
import User from '#models/user'
import type { Role } from '#tenancy/roles'

export default class Invitation extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare email: string

  @column()
  declare role: Role

  /** SHA-256 of the token mailed to the invitee; the token itself is never stored. */
  @column({ serializeAs: null })
  declare tokenHash: string

  @column()
  declare invitedById: number | null

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare acceptedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @belongsTo(() => Tenant)
  declare tenant: BelongsTo<typeof Tenant>

  @belongsTo(() => User, { foreignKey: 'invitedById' })
  declare invitedBy: BelongsTo<typeof User>

  get isPending() {
    return !this.acceptedAt && this.expiresAt > DateTime.utc()
  }
}

import { DateTime } from 'luxon'
import encryption from '@adonisjs/core/services/encryption'
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

  /**
   * The token encrypted with APP_KEY and bound to `tokenHash`. It is `null`
   * on invitations made before the link could be copied.
   */
  @column({ serializeAs: null })
  declare tokenEncrypted: string | null

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

  /**
   * Encrypts `token` into `tokenEncrypted`. Set `tokenHash` first, because
   * the ciphertext is bound to it.
   */
  sealToken(token: string) {
    this.tokenEncrypted = encryption.encrypt(token, undefined, this.#purpose())
  }

  /** Returns the token of the link, or `null` when it was not stored or does not decrypt. */
  readToken() {
    if (!this.tokenEncrypted) {
      return null
    }
    return encryption.decrypt<string>(this.tokenEncrypted, this.#purpose()) ?? null
  }

  /** Binds the ciphertext to this invitation's token hash, so it cannot be moved to another row. */
  #purpose() {
    return `invitation:${this.tokenHash}`
  }
}

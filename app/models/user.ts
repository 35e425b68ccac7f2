import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import Membership from '#models/membership'
import type { Role } from '#tenancy/roles'

const AuthFinder = withAuthFinder(() => hash.use('argon'), {
  uids: ['email'],
  passwordColumnName: 'password',
})

export default class User extends compose(BaseModel, AuthFinder) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare fullName: string | null

  @column()
  declare email: string

  @column({ serializeAs: null })
  declare password: string

  /** Interface language the user chose; `null` follows the browser. */
  @column()
  declare locale: string | null

  @column()
  declare currentTenantId: number | null

  /**
   * Incremented by every password change and reset. A session signed in
   * under an older value is signed out on its next request.
   */
  @column()
  declare sessionVersion: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  /**
   * Role in the tenant of the current request, set by the tenant middleware.
   * Policies read it; it is never stored on this row.
   */
  currentRole: Role | null = null

  get initials() {
    const source = this.fullName?.trim() || this.email
    const words = source.split(/[\s@.]+/).filter(Boolean)
    const letters = words.length > 1 ? words[0][0] + words[1][0] : source.slice(0, 2)
    return letters.toUpperCase()
  }
}

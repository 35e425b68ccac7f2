import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'

/** `read` tokens may only call GET routes; `write` tokens may call every route. */
export const API_TOKEN_SCOPES = ['read', 'write'] as const
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number]

/**
 * A bearer token for the REST API, owned by one tenant. Every request made
 * with it runs inside that tenant's scope.
 */
export default class ApiToken extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  /** SHA-256 (hex) of the token; the token itself is never stored. */
  @column({ serializeAs: null })
  declare tokenHash: string

  /** First characters of the token, so members can tell their tokens apart. */
  @column()
  declare tokenPrefix: string

  @column()
  declare scope: ApiTokenScope

  /** Requests allowed per minute; `null` uses the install's `API_RATE_LIMIT`. */
  @column()
  declare rateLimitPerMinute: number | null

  /** User who created the token; campaign actions made with it are attributed to them. */
  @column()
  declare createdBy: number | null

  /** Updated at most once a minute, see `LAST_USED_RESOLUTION_SECONDS`. */
  @column.dateTime()
  declare lastUsedAt: DateTime | null

  @column.dateTime()
  declare expiresAt: DateTime | null

  @column.dateTime()
  declare revokedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  get isUsable() {
    if (this.revokedAt) {
      return false
    }
    return !this.expiresAt || this.expiresAt > DateTime.utc()
  }
}

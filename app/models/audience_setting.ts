import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'

/**
 * Per-tenant audience settings: opt-out keywords and reply, the salt of
 * suppression hashes and the import column mapping learnt so far.
 */
export default class AudienceSetting extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column(jsonColumn<string[]>([]))
  declare optOutKeywords: string[]

  /**
   * Confirmation sent back to a contact who opted out by keyword: `null` sends
   * the default text of the tenant's locale, an empty text sends none.
   */
  @column()
  declare optOutReply: string | null

  /** Random hex key of the suppression hashes; never changes once made. */
  @column()
  declare hashSalt: string

  /** Normalised CSV header to import target, such as `celular -> phone`. */
  @column(jsonColumn<Record<string, string>>({}))
  declare importMapping: Record<string, string>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}

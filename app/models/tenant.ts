import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import Membership from '#models/membership'
import { jsonColumn } from '#models/json_column'
import type { TimeWindowValue } from '#sdk'

/**
 * Hours in which no campaign message goes out, on the given days, read in
 * the contact's own time zone (`basis: 'contact'`) or the tenant's.
 * Campaigns that keep the tenant's quiet hours follow it.
 */
export type TenantQuietHours = TimeWindowValue & { basis: 'contact' | 'tenant' }

export default class Tenant extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column()
  declare slug: string

  /** ISO 3166-1 alpha-2 country used to read phone numbers written without one. */
  @column()
  declare defaultCountry: string

  /** IANA time zone for contacts without one of their own. */
  @column()
  declare timezone: string

  @column()
  declare locale: string

  /** Quiet-hours policy; `null` when the tenant has none. */
  @column(jsonColumn<TenantQuietHours | null>(null))
  declare quietHours: TenantQuietHours | null

  /**
   * When an owner asked to delete the tenant; `null` for a live tenant. A
   * tenant with a value has no members left and is being deleted.
   */
  @column.dateTime()
  declare deletionRequestedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>
}

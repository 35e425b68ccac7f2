import { DateTime } from 'luxon'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import Membership from '#models/membership'

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

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>
}

import type { RowRecord } from '#services/database/row_records'
import { DateTime } from 'luxon'
import { BaseModel, column, hasMany, manyToMany } from '@adonisjs/lucid/orm'
import type { HasMany, ManyToMany } from '@adonisjs/lucid/types/relations'
import { withTenantScope } from '#tenancy/tenant_scoped'
import ContactTag from '#models/contact_tag'
import ContactList from '#models/contact_list'
import { jsonColumn } from '#models/json_column'

export const CONSENT_STATES = ['opted_in', 'opted_out', 'unknown'] as const
export type ConsentState = (typeof CONSENT_STATES)[number]

/**
 * A person of the tenant's audience, identified by one phone number in E.164
 * (unique per tenant).
 */
export default class Contact extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string | null

  /** E.164, such as `+5511987654321`. */
  @column()
  declare phone: string

  /** Further numbers of the same person, in E.164. */
  @column(jsonColumn<string[]>([]))
  declare extraPhones: string[]

  @column()
  declare email: string | null

  @column()
  declare city: string | null

  @column()
  declare notes: string | null

  /** IANA time zone used to schedule sends in the contact's local time. */
  @column()
  declare timezone: string

  /** BCP 47 language tag, such as `pt-BR`. */
  @column()
  declare language: string | null

  @column()
  declare consent: ConsentState

  /** What set the consent state: `import`, `operator`, `keyword`, `suppression`, `api`. */
  @column()
  declare consentSource: string | null

  @column.dateTime()
  declare consentAt: DateTime | null

  /** `landline` when the number may not have WhatsApp. */
  @column()
  declare phoneWarning: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  @hasMany(() => ContactTag)
  declare tags: HasMany<typeof ContactTag>

  @manyToMany(() => ContactList, {
    pivotTable: 'contact_list_members',
    pivotForeignKey: 'contact_id',
    pivotRelatedForeignKey: 'contact_list_id',
  })
  declare lists: ManyToMany<typeof ContactList>
}

/** A contact row read without a model (see `RowRecord`). */
export type ContactRecord = RowRecord<typeof Contact>

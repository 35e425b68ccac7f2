import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'choice'] as const
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number]

/**
 * A tenant-defined contact field. `key` is what templates write as
 * `{{key}}` and what import mappings point to.
 */
export default class CustomField extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare key: string

  @column()
  declare label: string

  @column()
  declare type: CustomFieldType

  /** Allowed values of a `choice` field; empty for other types. */
  @column(jsonColumn<string[]>([]))
  declare options: string[]

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}

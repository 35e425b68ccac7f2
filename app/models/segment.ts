import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'
import type { SegmentGroup } from '#services/segments/segment_rules'

/**
 * An audience defined by rules, evaluated each time it is counted or used.
 */
export default class Segment extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare name: string

  @column(jsonColumn<SegmentGroup>({ match: 'all', rules: [] }))
  declare rules: SegmentGroup

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}

import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'
import { emptyGraph, type FlowGraph } from '#flow/flow_graph'

/**
 * The draft flow of a campaign, one per campaign, autosaved by the editor.
 * `revision` grows by one on every save; a save that names an older
 * revision than the stored one is a conflict with another editor's save.
 */
export default class Flow extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare campaignId: number

  @column(jsonColumn<FlowGraph>(emptyGraph()))
  declare graph: FlowGraph

  @column()
  declare revision: number

  /** The version this draft was restored from, or published as; `null` for a fresh draft. */
  @column()
  declare basedOnVersionId: number | null

  /** The member who saved last (`users.id`). */
  @column()
  declare updatedBy: number | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}

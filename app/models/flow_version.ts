import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'
import { jsonColumn } from '#models/json_column'
import { emptyGraph, type FlowGraph } from '#flow/flow_graph'
import { EXECUTION_PLAN_FORMAT, type ExecutionPlan } from '#flow/execution_plan'

/**
 * A published flow of a campaign: numbered from 1 per campaign and never
 * changed after it is written. `graph` is the draft as published, for the
 * editor; `plan` is what the engine runs.
 */
export default class FlowVersion extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare campaignId: number

  @column()
  declare number: number

  @column(jsonColumn<FlowGraph>(emptyGraph()))
  declare graph: FlowGraph

  @column(jsonColumn<ExecutionPlan>({ format: EXECUTION_PLAN_FORMAT, entryNodeId: '', nodes: {} }))
  declare plan: ExecutionPlan

  /** The member who published (`users.id`). */
  @column()
  declare publishedBy: number | null

  /** When the version was published. */
  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}

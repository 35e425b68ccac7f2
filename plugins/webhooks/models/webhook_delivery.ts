import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed'

/**
 * One event sent to one endpoint. `body` contains the exact bytes of every
 * attempt, and `id` is the delivery id in the body and the headers, so a
 * receiver recognises a retry or a redelivery.
 */
export default class WebhookDelivery extends BaseModel {
  static table = 'webhook_deliveries'
  static selfAssignPrimaryKey = true

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare tenantId: number

  @column()
  declare endpointId: number

  @column()
  declare event: string

  @column()
  declare body: string

  @column()
  declare status: DeliveryStatus

  /** HTTP requests made for this delivery so far, redeliveries included. */
  @column()
  declare attempts: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime()
  declare completedAt: DateTime | null

  static forTenant(tenantId: number) {
    return this.query().where('tenant_id', tenantId)
  }
}

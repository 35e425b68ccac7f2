import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { AttemptFailure } from '../services/attempt_failure.js'

/** One HTTP request of a delivery, as the delivery log shows it. */
export default class WebhookAttempt extends BaseModel {
  static table = 'webhook_attempts'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare deliveryId: string

  /** 1 for the first request of the delivery. */
  @column()
  declare attempt: number

  /** Response status, `null` when no response arrived or the target was rejected. */
  @column()
  declare statusCode: number | null

  @column()
  declare durationMs: number

  /** The first bytes of the response body. */
  @column()
  declare responseSnippet: string | null

  /** Reason the attempt failed without a response (timeout, rejected target). */
  @column()
  declare error: string | null

  /** The kind of `error` (connection refused, timed out, ...), `null` when a response arrived. */
  @column()
  declare failure: AttemptFailure | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  get succeeded() {
    return this.statusCode !== null && this.statusCode >= 200 && this.statusCode < 300
  }
}

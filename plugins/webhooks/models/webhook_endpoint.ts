import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import encryption from '@adonisjs/core/services/encryption'
import type { DomainEventName } from '#sdk'

/**
 * One URL of a tenant that receives signed POSTs for the events it chose.
 * The SDK gives plugins no tenant-scoped base model, so every query of
 * this plugin filters on `tenant_id` through `forTenant`.
 */
export default class WebhookEndpoint extends BaseModel {
  static table = 'webhook_endpoints'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare tenantId: number

  @column()
  declare url: string

  @column()
  declare description: string | null

  /** The signing secret, encrypted with the application key; read it with `revealSecret`. */
  @column({ serializeAs: null })
  declare secret: string

  @column({
    prepare: (value: DomainEventName[]) => JSON.stringify(value),
    consume: (value: string | DomainEventName[]) =>
      typeof value === 'string' ? JSON.parse(value) : value,
  })
  declare events: DomainEventName[]

  @column({ consume: (value) => Boolean(value) })
  declare enabled: boolean

  /** Deliveries in a row that failed every attempt; a success resets it. */
  @column()
  declare failedDeliveriesInRow: number

  /** When the plugin switched the endpoint off for failing; cleared when an admin turns it on. */
  @column.dateTime()
  declare disabledForFailuresAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null

  static forTenant(tenantId: number) {
    return this.query().where('tenant_id', tenantId)
  }

  storeSecret(secret: string) {
    this.secret = encryption.encrypt(secret, undefined, this.#purpose())
  }

  revealSecret() {
    return encryption.decrypt<string>(this.secret, this.#purpose())!
  }

  /** Ties the ciphertext to this plugin, so it cannot be decrypted as another column. */
  #purpose() {
    return 'webhooks.endpoint_secret'
  }
}

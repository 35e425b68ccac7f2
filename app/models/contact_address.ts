import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'

/**
 * Another address a contact writes from, as a channel reported it: a
 * WhatsApp privacy address (`123456789012345@lid`), or the phone with or
 * without Brazil's ninth digit. Inbound messages from it join the
 * contact's conversation. `(tenant_id, address)` is unique.
 */
export default class ContactAddress extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare contactId: number

  @column()
  declare address: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime
}

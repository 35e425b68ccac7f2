import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'

/**
 * One tag on one contact. Tags are free text; the same name on many contacts
 * is what groups them.
 */
export default class ContactTag extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare contactId: number

  @column()
  declare name: string
}

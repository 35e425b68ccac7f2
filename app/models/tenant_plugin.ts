import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { withTenantScope } from '#tenancy/tenant_scoped'

/**
 * A tenant's switch and settings for one plugin. `enabled` is `null` until
 * an admin changes the switch, so the manifest's default applies.
 */
export default class TenantPlugin extends withTenantScope(BaseModel) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare pluginName: string

  @column({ consume: (value) => (value === null ? null : Boolean(value)) })
  declare enabled: boolean | null

  /** Settings as validated by the plugin's schema, stored as JSON text. */
  @column({
    prepare: (value: Record<string, unknown> | null) =>
      value === null ? null : JSON.stringify(value),
    consume: (value: string | null) => (value === null ? null : JSON.parse(value)),
  })
  declare settings: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}

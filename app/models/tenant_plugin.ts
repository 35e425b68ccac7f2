import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import type { LucidRow } from '@adonisjs/lucid/types/model'
import { withTenantScope } from '#tenancy/tenant_scoped'
import pluginHost from '#plugins/main'
import { openSecrets, sealSecrets, secretFieldNames } from '#plugins/secret_settings'

/** Encryption purpose of plugins' secret settings. */
const SETTINGS_PURPOSE = 'tenant_plugin_settings'

/** Names of the secret fields of a plugin's settings; none for a plugin that is not loaded. */
function pluginSecretFields(pluginName: string) {
  const settings = pluginHost.get(pluginName)?.api?.contributions.settings
  return settings ? secretFieldNames(settings.fields) : []
}

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

  /**
   * Settings as validated by the plugin's schema, stored as JSON text with the
   * values of its secret fields encrypted.
   */
  @column({
    prepare: (value: Record<string, unknown> | null, _attribute: string, row: LucidRow) => {
      if (value === null) {
        return null
      }
      const secrets = pluginSecretFields((row as TenantPlugin).pluginName)
      return JSON.stringify(sealSecrets(value, secrets, SETTINGS_PURPOSE))
    },
    consume: (value: string | null) =>
      value === null ? null : openSecrets(JSON.parse(value), SETTINGS_PURPOSE),
  })
  declare settings: Record<string, unknown> | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime | null
}

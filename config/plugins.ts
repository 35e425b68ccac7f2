import env from '#start/env'
import app from '@adonisjs/core/services/app'

/**
 * Install-level plugin settings. Tenants switch enabled plugins on and off
 * for themselves on Settings > Plugins; this file decides which plugins the
 * install has at all.
 */
export interface PluginsConfig {
  /**
   * Folders that contain one folder per plugin, relative to the application
   * root. PLUGINS_PATH (comma-separated) replaces the list.
   *
   * @default ['plugins'], plus 'tests/fixtures/plugins' when NODE_ENV is test
   */
  directories: string[]

  /**
   * Plugins the operator disabled for the whole install, by name, from
   * PLUGINS_DISABLED (comma-separated). They are discovered and listed but
   * never registered or booted, and no tenant can enable them. Their
   * migrations stay in the migration paths, so a rollback still finds
   * every file that ran.
   *
   * @default []
   */
  disabled: string[]

  /**
   * How long a process reuses a tenant's plugin switches and settings
   * before reading them again, in milliseconds. A change made in one
   * process reaches the others within this time; the process that made it
   * sees it at once.
   *
   * @default 5000
   */
  tenantStateTtlMs: number
}

function list(value: string | undefined) {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
}

const configuredDirectories = list(env.get('PLUGINS_PATH'))

const pluginsConfig: PluginsConfig = {
  directories:
    configuredDirectories.length > 0
      ? configuredDirectories
      : ['plugins', ...(app.inTest ? ['tests/fixtures/plugins'] : [])],
  disabled: list(env.get('PLUGINS_DISABLED')),
  tenantStateTtlMs: 5000,
}

export default pluginsConfig

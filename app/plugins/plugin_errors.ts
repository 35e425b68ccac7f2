import { Exception } from '@adonisjs/core/exceptions'

/**
 * The rules a plugin can break, each with its error code. The code is what
 * Settings > Plugins and the logs show next to the plugin's name.
 */
export const PLUGIN_RULES = {
  E_PLUGIN_MANIFEST_MISSING: 'the folder has no plugin.json',
  E_PLUGIN_MANIFEST_INVALID: 'plugin.json is not valid',
  E_PLUGIN_NAME_MISMATCH: 'the manifest name differs from the folder name',
  E_PLUGIN_DUPLICATE_NAME: 'another plugin has the same name',
  E_PLUGIN_CORE_UNSUPPORTED: 'the plugin does not support this core version',
  E_PLUGIN_DEPENDENCY_MISSING: 'a dependency is not installed',
  E_PLUGIN_DEPENDENCY_VERSION: 'a dependency has a version outside the required range',
  E_PLUGIN_DEPENDENCY_UNAVAILABLE: 'a dependency is disabled or failed to load',
  E_PLUGIN_DEPENDENCY_CYCLE: 'the dependencies form a cycle',
  E_PLUGIN_ENTRY_INVALID: 'the entry module is missing or does not export definePlugin(...)',
  E_PLUGIN_TRANSLATIONS_INVALID: 'a translation key does not start with the plugin name',
  E_PLUGIN_CONTRIBUTION_INVALID: 'a contribution does not match its contract',
  E_PLUGIN_REGISTER_FAILED: 'register() threw',
  E_PLUGIN_REGISTER_CLOSED: 'a contribution was made after register() returned',
  E_PLUGIN_BOOT_FAILED: 'boot() threw',
  E_PLUGIN_TENANT_DELETION_FAILED: 'a tenant deletion handler threw',
} as const

export type PluginRuleCode = keyof typeof PLUGIN_RULES

/**
 * An error that names the plugin and the rule it broke, such as
 * `E_PLUGIN_CORE_UNSUPPORTED: Plugin "reports" supports core ^2.0.0, this
 * install runs 0.1.0: ...`.
 */
export class PluginError extends Exception {
  static status = 500

  constructor(
    readonly pluginName: string,
    code: PluginRuleCode,
    detail: string,
    options: { cause?: unknown } = {}
  ) {
    super(`Plugin "${pluginName}": ${detail}`, { code, cause: options.cause })
  }

  get rule(): PluginRuleCode {
    return this.code as PluginRuleCode
  }

  toJSON() {
    return { plugin: this.pluginName, code: this.code, message: this.message }
  }
}

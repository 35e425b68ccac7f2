/**
 * The manifest of a plugin: `plugin.json` at the root of its folder. The host
 * reads it before it imports any plugin code, so a broken plugin can be
 * rejected, and its migrations found, without running it.
 *
 * @example
 * {
 *   "name": "sandbox",
 *   "version": "1.0.0",
 *   "description": "A simulated phone for previews and tests",
 *   "core": "^0.1.0",
 *   "dependencies": {}
 * }
 */
export interface PluginManifest {
  /**
   * Unique name of the plugin. Lowercase letters, digits and dashes, starting
   * with a letter, at most 50 characters. It prefixes the plugin's routes
   * (`/plugins/<name>`), its translation keys (`<name>.`), its node types
   * (`<name>.<type>`) and its metrics (`disparador_plugin_<name>_`). Must
   * equal the folder name.
   */
  name: string

  /**
   * Version of the plugin, a semantic version such as `1.2.0`. Other plugins
   * match their `dependencies` ranges against it.
   */
  version: string

  /**
   * One sentence saying what the plugin brings, shown to operators on the
   * Settings > Plugins page.
   */
  description: string

  /**
   * Semantic version range of the core this plugin works with, such as
   * `^0.1.0`. The core version is the `version` of the application's
   * package.json. A plugin whose range excludes it is rejected with
   * `E_PLUGIN_CORE_UNSUPPORTED`.
   */
  core: string

  /**
   * Plugins this one needs, by name, each with a semantic version range. The
   * host loads dependencies first and rejects the plugin when one is missing,
   * disabled, failed or outside the range.
   *
   * @default {}
   */
  dependencies?: Record<string, string>

  /**
   * Entry module, relative to the plugin folder. Its default export is the
   * value returned by `definePlugin`. Write `.js`: in development the
   * TypeScript loader resolves `index.js` to `index.ts`, and the production
   * build contains the compiled `.js`.
   *
   * @default 'index.js'
   */
  entry?: string

  /**
   * Whether a tenant that never changed the plugin's switch on
   * Settings > Plugins has it enabled. `false` makes the plugin opt-in per
   * tenant.
   *
   * @default true
   */
  enabledByDefault?: boolean
}

/**
 * The file name of a plugin manifest inside the plugin folder.
 */
export const MANIFEST_FILE = 'plugin.json'

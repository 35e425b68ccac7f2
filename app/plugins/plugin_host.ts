import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { existsSync } from 'node:fs'
import type { Logger } from '@adonisjs/core/logger'
import type { ChannelDefinition, PluginDefinition, PluginManifest, ProcessRole } from '#sdk'
import { PluginError } from '#plugins/plugin_errors'
import { discoverPlugins, type DiscoveryOptions } from '#plugins/plugin_discovery'
import { PluginApiImpl, settingsValidator } from '#plugins/plugin_api'
import { TenantPluginState } from '#plugins/tenant_plugin_state'
import {
  hasTranslation,
  installPluginTranslations,
  readPluginTranslations,
} from '#plugins/plugin_translations'
import { nodeTypes } from '#flow/node_type_registry'

/**
 * Where a plugin is in its life:
 * `disabled` (by the operator), `failed` (see `error`), `registered`
 * (contributions declared), `booted`, `stopped` (after shutdown).
 */
export type PluginStatus = 'disabled' | 'failed' | 'registered' | 'booted' | 'stopped'

export interface PluginRecord {
  name: string
  directory: string
  manifest: PluginManifest | null
  status: PluginStatus
  error: PluginError | null
  definition: PluginDefinition | null
  api: PluginApiImpl | null
}

export interface PluginHostOptions extends DiscoveryOptions {
  logger: Logger
  tenantStateTtlMs: number
}

function isDefinition(value: unknown): value is PluginDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PluginDefinition).register === 'function'
  )
}

/**
 * Finds, checks, registers, boots and shuts down the install's plugins, and
 * answers which of them a tenant has enabled. A plugin that breaks a rule
 * is logged, kept with its error for Settings > Plugins, and left out; the
 * host never throws for a plugin's fault.
 */
export class PluginHost {
  #records: PluginRecord[] = []
  #loaded = false
  #booted = false
  readonly tenantState: TenantPluginState

  constructor(private options: PluginHostOptions) {
    this.tenantState = new TenantPluginState(options.tenantStateTtlMs)
  }

  get coreVersion() {
    return this.options.coreVersion
  }

  /** Every plugin found, in dependency order, failed and disabled ones included. */
  records() {
    return this.#records
  }

  get(name: string) {
    return this.#records.find((record) => record.name === name)
  }

  /** Whether the plugin registered and did not fail since. */
  isActive(name: string) {
    const status = this.get(name)?.status
    return status === 'registered' || status === 'booted'
  }

  active() {
    return this.#records.filter((record) => this.isActive(record.name))
  }

  #fail(record: PluginRecord, error: PluginError) {
    record.status = 'failed'
    record.error = error
    nodeTypes.removePlugin(record.name)
    this.options.logger.error(
      { pluginName: record.name, code: error.code, err: error.cause ?? error },
      'plugin failed: %s',
      error.message
    )
  }

  #unavailableDependency(record: PluginRecord) {
    const name = Object.keys(record.manifest?.dependencies ?? {}).find(
      (dependency) => !this.isActive(dependency)
    )
    return name
      ? new PluginError(
          record.name,
          'E_PLUGIN_DEPENDENCY_UNAVAILABLE',
          `depends on "${name}", which failed to load: fix "${name}" first`
        )
      : null
  }

  /**
   * Discovers the plugins and runs `register` of each usable one in
   * dependency order. Runs once per process; later calls do nothing.
   */
  async load() {
    if (this.#loaded) {
      return
    }
    this.#loaded = true

    const candidates = await discoverPlugins(this.options)
    this.#records = candidates.map((candidate) => ({
      name: candidate.name,
      directory: candidate.directory,
      manifest: candidate.manifest,
      status: candidate.error ? 'failed' : candidate.disabledByInstall ? 'disabled' : 'registered',
      error: null,
      definition: null,
      api: null,
    }))
    for (const [index, candidate] of candidates.entries()) {
      if (candidate.error) {
        this.#fail(this.#records[index], candidate.error)
      }
    }

    const translations = []
    for (const record of this.#records.filter((entry) => entry.status === 'registered')) {
      const own = await this.#register(record)
      if (own) {
        translations.push(own)
      }
    }
    await installPluginTranslations(translations)
    this.options.logger.info(
      { plugins: this.active().map((record) => record.name) },
      'plugins registered'
    )
  }

  async #register(record: PluginRecord) {
    const manifest = record.manifest!
    try {
      const dependencyError = this.#unavailableDependency(record)
      if (dependencyError) {
        throw dependencyError
      }
      const definition = await this.#importEntry(record)
      const translations = await readPluginTranslations(record.name, record.directory)
      const api = new PluginApiImpl(
        manifest,
        record.directory,
        this.options.logger.child({ pluginName: record.name }),
        this
      )
      record.definition = definition
      record.api = api

      await this.#runHook(record, 'E_PLUGIN_REGISTER_FAILED', () => definition.register(api))
      api.close()
      await this.#checkContributions(record, translations)
      return translations
    } catch (error) {
      this.#fail(record, this.#asPluginError(record, error, 'E_PLUGIN_REGISTER_FAILED'))
      return null
    }
  }

  async #importEntry(record: PluginRecord) {
    const entry = record.manifest!.entry ?? 'index.js'
    const file = join(record.directory, entry)
    const source = existsSync(file) ? file : file.replace(/\.js$/, '.ts')
    if (!existsSync(source)) {
      throw new PluginError(
        record.name,
        'E_PLUGIN_ENTRY_INVALID',
        `entry "${entry}" not found in ${record.directory}`
      )
    }
    let module: { default?: unknown }
    try {
      module = await import(pathToFileURL(file).href)
    } catch (error) {
      throw new PluginError(
        record.name,
        'E_PLUGIN_ENTRY_INVALID',
        `entry "${entry}" failed to import: ${(error as Error).message}`,
        { cause: error }
      )
    }
    if (!isDefinition(module.default)) {
      throw new PluginError(
        record.name,
        'E_PLUGIN_ENTRY_INVALID',
        `entry "${entry}" must export default definePlugin({ register(plugin) { ... } })`
      )
    }
    return module.default
  }

  async #runHook(
    record: PluginRecord,
    code: 'E_PLUGIN_REGISTER_FAILED' | 'E_PLUGIN_BOOT_FAILED',
    hook: () => unknown
  ) {
    try {
      await hook()
    } catch (error) {
      throw this.#asPluginError(record, error, code)
    }
  }

  #asPluginError(
    record: PluginRecord,
    error: unknown,
    code: 'E_PLUGIN_REGISTER_FAILED' | 'E_PLUGIN_BOOT_FAILED'
  ) {
    if (error instanceof PluginError) {
      return error
    }
    const hook = code === 'E_PLUGIN_BOOT_FAILED' ? 'boot()' : 'register()'
    return new PluginError(
      record.name,
      code,
      `${hook} threw: ${(error as Error)?.message ?? String(error)}`,
      {
        cause: error,
      }
    )
  }

  async #checkContributions(
    record: PluginRecord,
    translations: Record<string, Record<string, string>>
  ) {
    const contributions = record.api!.contributions
    const invalid = (detail: string) =>
      new PluginError(record.name, 'E_PLUGIN_CONTRIBUTION_INVALID', detail)

    for (const definition of contributions.nodeTypes) {
      for (const key of [definition.label, definition.description]) {
        if (typeof key === 'string' && !hasTranslation(key, translations)) {
          throw invalid(
            `node type "${definition.type}": translation key "${key}" has no message in lang/`
          )
        }
      }
      try {
        await nodeTypes.add(definition, record.name)
      } catch (error) {
        throw invalid((error as Error).message)
      }
    }
    for (const channel of contributions.channels) {
      const owner = this.active().find(
        (other) =>
          other !== record && other.api?.contributions.channels.some((c) => c.id === channel.id)
      )
      if (owner) {
        throw invalid(`channel "${channel.id}" is already contributed by plugin "${owner.name}"`)
      }
    }
    const settings = contributions.settings
    if (settings) {
      try {
        await settingsValidator(settings).validate(settings.defaults)
      } catch (error) {
        throw invalid(
          `settings defaults do not pass the settings schema: ${(error as Error).message}`
        )
      }
    }
  }

  /**
   * Runs `boot` of every registered plugin in dependency order. A plugin
   * whose dependency failed to boot fails too. Runs once per process.
   */
  async boot(roles: ProcessRole[]) {
    if (this.#booted) {
      return
    }
    this.#booted = true
    for (const record of this.#records.filter((entry) => entry.status === 'registered')) {
      try {
        const dependencyError = this.#unavailableDependency(record)
        if (dependencyError) {
          throw dependencyError
        }
        await this.#runHook(record, 'E_PLUGIN_BOOT_FAILED', () =>
          record.definition!.boot?.(record.api!, { roles })
        )
        record.status = 'booted'
      } catch (error) {
        this.#fail(record, this.#asPluginError(record, error, 'E_PLUGIN_BOOT_FAILED'))
      }
    }
    this.options.logger.info({ roles, plugins: this.active().map((r) => r.name) }, 'plugins booted')
  }

  /** Runs `shutdown` of booted plugins in reverse order; errors are logged. */
  async shutdown() {
    for (const record of [...this.#records].reverse()) {
      if (record.status !== 'booted') {
        continue
      }
      try {
        await record.definition!.shutdown?.(record.api!)
      } catch (error) {
        this.options.logger.error({ err: error, pluginName: record.name }, 'plugin shutdown failed')
      }
      record.status = 'stopped'
    }
  }

  /**
   * Whether the tenant has the plugin: active in this process, switched on
   * by the tenant or on by default, and the tenant not being deleted. A
   * tenant marked for deletion has no plugin from then on (within
   * `tenantStateTtlMs` in other processes), so plugins get no more of its
   * events or per-tenant tasks.
   */
  async isEnabledFor(name: string, tenantId: number) {
    const record = this.get(name)
    if (!record || !this.isActive(name)) {
      return false
    }
    if (await this.tenantState.isBeingDeleted(tenantId)) {
      return false
    }
    const enabled = await this.tenantState.enabledSwitch(tenantId, name)
    return enabled ?? record.manifest?.enabledByDefault ?? true
  }

  /** Names of the active plugins the tenant has enabled. */
  async enabledFor(tenantId: number) {
    const names: string[] = []
    for (const record of this.active()) {
      if (await this.isEnabledFor(record.name, tenantId)) {
        names.push(record.name)
      }
    }
    return names
  }

  /** The plugin's settings for the tenant: its defaults overlaid with what the tenant saved. */
  async tenantSettings(name: string, tenantId: number) {
    const settings = this.get(name)?.api?.contributions.settings
    const stored = await this.tenantState.storedSettings(tenantId, name)
    return { ...((settings?.defaults as Record<string, unknown>) ?? {}), ...(stored ?? {}) }
  }

  /** Channels of active plugins, with their plugin's name. */
  channels(): { plugin: string; channel: ChannelDefinition }[] {
    return this.active().flatMap((record) =>
      record.api!.contributions.channels.map((channel) => ({ plugin: record.name, channel }))
    )
  }
}

import db from '@adonisjs/lucid/services/db'
import TenantPlugin from '#models/tenant_plugin'
import { runInTenant } from '#tenancy/tenant_context'

interface TenantEntry {
  loadedAt: number
  /** Whether the tenant is gone or an owner asked to delete it. */
  deleting: boolean
  rows: Map<string, { enabled: boolean | null; settings: Record<string, unknown> | null }>
}

/**
 * Each tenant's plugin switches and settings, read from `tenant_plugins`
 * and kept per process for `ttlMs`. Writes through this class refresh the
 * process's copy at once; other processes see them within `ttlMs`.
 */
export class TenantPluginState {
  #cache = new Map<number, TenantEntry>()

  constructor(private ttlMs: number) {}

  async #entry(tenantId: number) {
    const cached = this.#cache.get(tenantId)
    if (cached && Date.now() - cached.loadedAt < this.ttlMs) {
      return cached
    }
    const rows = await runInTenant(tenantId, () => TenantPlugin.query())
    const tenant = await db
      .from('tenants')
      .where('id', tenantId)
      .select('deletion_requested_at')
      .first()
    const entry: TenantEntry = {
      loadedAt: Date.now(),
      deleting: !tenant || tenant.deletion_requested_at !== null,
      rows: new Map(
        rows.map((row) => [row.pluginName, { enabled: row.enabled, settings: row.settings }])
      ),
    }
    this.#cache.set(tenantId, entry)
    return entry
  }

  /** Resolves with whether the tenant is gone or marked for deletion, as this process last read it. */
  async isBeingDeleted(tenantId: number) {
    const entry = await this.#entry(tenantId)
    return entry.deleting
  }

  /** The tenant's switch for a plugin, `null` when never changed. */
  async enabledSwitch(tenantId: number, pluginName: string) {
    const entry = await this.#entry(tenantId)
    return entry.rows.get(pluginName)?.enabled ?? null
  }

  async storedSettings(tenantId: number, pluginName: string) {
    const entry = await this.#entry(tenantId)
    return entry.rows.get(pluginName)?.settings ?? null
  }

  async setEnabled(tenantId: number, pluginName: string, enabled: boolean) {
    await this.#upsert(tenantId, pluginName, { enabled })
  }

  async setSettings(tenantId: number, pluginName: string, settings: Record<string, unknown>) {
    await this.#upsert(tenantId, pluginName, { settings })
  }

  async #upsert(
    tenantId: number,
    pluginName: string,
    values: Partial<Pick<TenantPlugin, 'enabled' | 'settings'>>
  ) {
    await runInTenant(tenantId, async () => {
      const row =
        (await TenantPlugin.query().where('plugin_name', pluginName).first()) ??
        new TenantPlugin().merge({ pluginName, enabled: null, settings: null })
      await row.merge(values).save()
    })
    this.#cache.delete(tenantId)
  }

  /** Forgets one tenant, so this process reads it again at its next use. */
  forget(tenantId: number) {
    this.#cache.delete(tenantId)
  }

  /** Forgets every cached tenant, for tests that change rows directly. */
  clear() {
    this.#cache.clear()
  }
}

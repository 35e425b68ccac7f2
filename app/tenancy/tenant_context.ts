import { AsyncLocalStorage } from 'node:async_hooks'
import { Exception } from '@adonisjs/core/exceptions'

interface TenantScope {
  tenantId: number | null
  system: boolean
}

const storage = new AsyncLocalStorage<TenantScope>()

/**
 * Raised when tenant-owned data is read or written outside any tenant scope:
 * a request without a resolved tenant, or a job that forgot to enter one.
 */
export class TenantContextMissingException extends Exception {
  static status = 500
  static code = 'E_TENANT_CONTEXT_MISSING'
}

/**
 * Runs `callback` with `tenantId` as the current tenant. Every query of a
 * tenant-owned model inside it is limited to that tenant.
 */
export function runInTenant<T>(tenantId: number, callback: () => T) {
  return storage.run({ tenantId, system: false }, callback)
}

/**
 * Runs `callback` across all tenants, for maintenance work and sign-up that
 * must see every tenant's rows.
 */
export function runAsSystem<T>(callback: () => T) {
  return storage.run({ tenantId: null, system: true }, callback)
}

/**
 * Returns the scope of the running code: a tenant id, or `null` in system
 * scope. Throws when there is no scope at all.
 */
export function requireTenantScope(modelName: string) {
  const scope = storage.getStore()
  if (!scope) {
    throw new TenantContextMissingException(
      `Query on tenant-owned model "${modelName}" ran outside a tenant scope. ` +
        'Wrap it in runInTenant(tenantId, ...) or runAsSystem(...)'
    )
  }
  return scope.system ? null : scope.tenantId
}

export function currentTenantId() {
  return storage.getStore()?.tenantId ?? null
}

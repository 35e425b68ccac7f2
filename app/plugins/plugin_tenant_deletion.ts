import type { PluginHost } from '#plugins/plugin_host'
import { PluginError } from '#plugins/plugin_errors'

/** Counts of what each plugin's handlers removed, by plugin name. */
export type PluginDeletionCounts = Record<string, Record<string, number>>

/**
 * Calls the tenant deletion handlers of every active plugin, in dependency
 * order, and returns what each reported removing. The first handler that
 * throws stops the run with `E_PLUGIN_TENANT_DELETION_FAILED`, naming the
 * plugin, so the deletion is retried before any of the tenant's rows go.
 */
export async function runTenantDeletionHandlers(
  host: PluginHost,
  context: { tenantId: number; deletionId: number; instanceIds: number[] }
) {
  const counts: PluginDeletionCounts = {}
  for (const record of host.active()) {
    const handlers = record.api!.contributions.tenantDeletion
    if (handlers.length === 0) {
      continue
    }
    const logger = record.api!.logger.child({
      tenantId: context.tenantId,
      deletionId: context.deletionId,
    })
    const removed: Record<string, number> = {}
    for (const handler of handlers) {
      let result: Record<string, number> | void
      try {
        result = await handler({
          tenantId: context.tenantId,
          instanceIds: [...context.instanceIds],
          logger,
        })
      } catch (error) {
        throw new PluginError(
          record.name,
          'E_PLUGIN_TENANT_DELETION_FAILED',
          `onTenantDeletion() threw for tenant ${context.tenantId}: ${(error as Error)?.message ?? String(error)}`,
          { cause: error }
        )
      }
      for (const [name, count] of Object.entries(result ?? {})) {
        if (Number.isFinite(count)) {
          removed[name] = (removed[name] ?? 0) + count
        }
      }
    }
    counts[record.name] = removed
    logger.info({ removed }, 'plugin removed its data of a deleted workspace')
  }
  return counts
}

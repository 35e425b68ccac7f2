import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'

/** Values a page notice carries: ids and states, never a secret or a message body. */
export type PageNoticeValues = Record<string, string | number | boolean | null>

/**
 * Transmit channel on which a plugin tells a tenant's open pages that its
 * data changed. Every member of the tenant may follow it, so a notice says
 * what changed (an id, a state), and the page reads the details through
 * its own routes, which check the member's role.
 */
export function pluginNoticeChannel(tenantId: number, pluginName: string) {
  return `tenants/${tenantId}/plugins/${pluginName}`
}

/**
 * Tells the tenant's pages that follow `pluginNoticeChannel` that the
 * plugin's data changed, from any process. A failed broadcast is logged
 * and not raised: the change itself is already stored.
 */
export function noticeTenantPages(tenantId: number, pluginName: string, values: PageNoticeValues) {
  try {
    transmit.broadcast(pluginNoticeChannel(tenantId, pluginName), values)
  } catch (error) {
    logger.warn({ err: error, tenantId, pluginName }, 'plugin page notice failed')
  }
}

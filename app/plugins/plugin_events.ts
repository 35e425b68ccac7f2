import emitter from '@adonisjs/core/services/emitter'
import type { Logger } from '@adonisjs/core/logger'
import type { DomainEventName, DomainEvents } from '#sdk'
import type { PluginHost } from '#plugins/plugin_host'
import { runInTenant } from '#tenancy/tenant_context'

/**
 * Calls the plugins' subscribers of one event, in plugin order, each inside
 * the event tenant's scope and only when that tenant has the plugin
 * enabled. A subscriber's error is logged and does not stop the others.
 */
export async function dispatchDomainEvent<Event extends DomainEventName>(
  host: PluginHost,
  logger: Logger,
  event: Event,
  payload: DomainEvents[Event]
) {
  for (const record of host.active()) {
    const subscribers = record.api!.contributions.subscribers.filter(
      (entry) => entry.event === event
    )
    if (subscribers.length === 0 || !(await host.isEnabledFor(record.name, payload.tenantId))) {
      continue
    }
    const pluginLogger = record.api!.logger
    let eventLogger: Logger | undefined
    const context = {
      tenantId: payload.tenantId,
      // Built on first use: most events are handled without a log line.
      get logger() {
        eventLogger ??= pluginLogger.child({ tenantId: payload.tenantId, event })
        return eventLogger
      },
      settings: () => host.tenantSettings(record.name, payload.tenantId),
    }
    for (const { subscriber } of subscribers) {
      try {
        await runInTenant(payload.tenantId, () => subscriber(payload, context))
      } catch (error) {
        logger.error(
          { err: error, pluginName: record.name, event, tenantId: payload.tenantId },
          'plugin event subscriber failed'
        )
      }
    }
  }
}

/**
 * Listens, on the application's emitter, to every event some plugin
 * subscribes to.
 */
export function listenForPluginSubscribers(host: PluginHost, logger: Logger) {
  const events = new Set(
    host
      .active()
      .flatMap((record) => record.api!.contributions.subscribers.map((entry) => entry.event))
  )
  for (const event of events) {
    emitter.on(event, (payload) => dispatchDomainEvent(host, logger, event, payload as never))
  }
}

import type { Counter, Histogram } from 'prom-client'
import type { Logger, PluginApi } from '#sdk'

interface WebhooksContext {
  plugin: PluginApi
  logger: Logger
  attempts: Counter<'result'>
  attemptDuration: Histogram<'result'>
}

let context: WebhooksContext | null = null

/**
 * Keeps what the plugin's services need from its API: the logger and the
 * metrics. Called once in `register`.
 */
export function initWebhooksContext(plugin: PluginApi) {
  context = {
    plugin,
    logger: plugin.logger,
    attempts: plugin.metrics.counter({
      name: 'delivery_attempts_total',
      help: 'Webhook HTTP requests by result: success, http_error, network_error or rejected',
      labelNames: ['result'],
    }),
    attemptDuration: plugin.metrics.histogram({
      name: 'delivery_attempt_duration_seconds',
      help: 'Duration of one webhook HTTP request, in seconds',
      labelNames: ['result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
  }
}

export function webhooksContext() {
  if (!context) {
    throw new Error('The webhooks plugin was not registered: its services run only inside the app')
  }
  return context
}

/** Returns the plugin's API, for `render`. */
export function webhooksPlugin() {
  return webhooksContext().plugin
}

import type { Logger } from '@adonisjs/core/logger'
import type { PluginHost } from '#plugins/plugin_host'
import { ChannelRuntime } from '#plugins/channel_runtime'

let current: ChannelRuntime | null = null

/**
 * The channel runtime of this process, or `null` when the process does not
 * run the channels role. Code that opens instances reads it from here.
 */
export function channelRuntime() {
  return current
}

/**
 * The channels role owns live channel sessions. Channel drivers come from
 * plugins, and each instance is owned by one channels process at a time.
 */
export class ChannelsRole {
  #runtime: ChannelRuntime

  constructor(
    private logger: Logger,
    host: PluginHost
  ) {
    this.#runtime = new ChannelRuntime(host, logger)
  }

  async start() {
    this.#runtime.start()
    current = this.#runtime
    this.logger.info('channels role started')
  }

  async stop() {
    await this.#runtime.stop()
    current = null
    this.logger.info('channels role stopped')
  }
}

import type { Logger } from '@adonisjs/core/logger'

/**
 * The channels role owns live channel sessions. Channel drivers come from
 * plugins, and each instance is owned by one channels process at a time.
 */
export class ChannelsRole {
  constructor(private logger: Logger) {}

  async start() {
    this.logger.info('channels role started')
  }

  async stop() {
    this.logger.info('channels role stopped')
  }
}

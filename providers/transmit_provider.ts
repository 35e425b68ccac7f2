import TransmitProvider from '@adonisjs/transmit/transmit_provider'

/**
 * Transmit's provider (3.0.2) builds the Transmit service during shutdown
 * even when nothing used it, which opens a Redis subscription and then quits
 * it mid-subscribe: commands such as `migration:run` crash with "Connection
 * is closed". This provider shuts Transmit down only when it was built.
 */
export default class LazyTransmitProvider extends TransmitProvider {
  #resolved = false

  register() {
    super.register()
    this.app.container.resolving('transmit', () => {
      this.#resolved = true
    })
  }

  async shutdown() {
    if (this.#resolved) {
      await super.shutdown()
    }
  }
}

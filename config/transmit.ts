import { defineConfig } from '@adonisjs/transmit'
import { redis } from '@adonisjs/transmit/transports/redis'
import logger from '@adonisjs/core/services/logger'
import { redisSettings } from '#config/redis'

const settings = redisSettings()

const redisTransport = redis({
  host: settings.host,
  port: settings.port,
  password: settings.password,
  db: settings.db,
  keyPrefix: `${settings.keyPrefix}:transmit:`,
})

/**
 * Transmit 3.0.2 subscribes to its Redis channel without awaiting it, so a
 * process that stops right after boot quits the connection mid-subscribe and
 * crashes with an unhandled "Connection is closed". This transport logs a
 * failed subscription instead, and disconnects only after pending
 * subscriptions have settled.
 */
function settledTransport() {
  const transport = redisTransport()
  const pending = new Set<Promise<void>>()
  const subscribe = transport.subscribe.bind(transport)
  const disconnect = transport.disconnect.bind(transport)

  transport.subscribe = (channel, handler) => {
    const subscription = subscribe(channel, handler).catch((error) => {
      logger.warn({ err: error, channel }, 'transmit subscription failed')
    })
    pending.add(subscription)
    void subscription.finally(() => pending.delete(subscription))
    return subscription
  }
  transport.disconnect = async () => {
    await Promise.all(pending)
    return disconnect()
  }
  return transport
}

/**
 * Server-sent events. Broadcasts cross processes through Redis, so a worker
 * or channels process can reach a browser connected to any web process.
 */
const transmitConfig = defineConfig({
  pingInterval: '30s',
  transport: {
    driver: settledTransport,
    channel: `${settings.keyPrefix}:transmit`,
  },
})

export default transmitConfig

import { defineConfig } from '@adonisjs/transmit'
import { redis } from '@adonisjs/transmit/transports/redis'
import { redisSettings } from '#config/redis'

const settings = redisSettings()

/**
 * Server-sent events. Broadcasts cross processes through Redis, so a worker
 * or channels process can reach a browser connected to any web process.
 */
const transmitConfig = defineConfig({
  pingInterval: '30s',
  transport: {
    driver: redis({
      host: settings.host,
      port: settings.port,
      password: settings.password,
      db: settings.db,
      keyPrefix: `${settings.keyPrefix}:transmit:`,
    }),
    channel: `${settings.keyPrefix}:transmit`,
  },
})

export default transmitConfig

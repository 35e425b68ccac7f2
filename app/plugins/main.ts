import app from '@adonisjs/core/services/app'
import type { PluginHost } from '#plugins/plugin_host'

let pluginHost: PluginHost

/**
 * The process's plugin host, resolved once the application booted, in the
 * style of AdonisJS's service modules.
 */
await app.booted(async () => {
  pluginHost = await app.container.make('plugins')
})

export { pluginHost as default }

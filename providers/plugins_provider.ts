import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ApplicationService } from '@adonisjs/core/types'
import { PluginHost } from '#plugins/plugin_host'

/**
 * Wires the plugin host into the application's lifecycle:
 *
 * - `start`, in every environment: registers the core node types, then
 *   discovers plugins and runs their `register`, before the route files
 *   are imported so plugin routes can be mounted.
 * - `ready`, for the web process and tests: runs `boot` with the roles of
 *   this process. Worker and channels processes started by ace commands
 *   boot plugins through `startRoles`.
 * - `shutdown`: runs the plugins' `shutdown`.
 */
export default class PluginsProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton('plugins', async () => {
      const { default: config } = await import('#config/plugins')
      const logger = await this.app.container.make('logger')
      const appRoot = fileURLToPath(this.app.appRoot)
      const { version } = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8'))
      return new PluginHost({
        appRoot,
        directories: config.directories,
        disabled: config.disabled,
        coreVersion: version,
        tenantStateTtlMs: config.tenantStateTtlMs,
        logger: logger.child({ component: 'plugins' }),
      })
    })
  }

  async start() {
    const { registerCoreNodeTypes } = await import('#flow/node_types/core_node_types')
    const { listenForPluginSubscribers } = await import('#plugins/plugin_events')
    const { defineScheduledTaskJob } = await import('#plugins/plugin_schedules')
    await registerCoreNodeTypes()

    const host = await this.app.container.make('plugins')
    await host.load()
    const logger = await this.app.container.make('logger')
    listenForPluginSubscribers(host, logger)
    defineScheduledTaskJob(host, logger)
  }

  async ready() {
    if (!['web', 'test'].includes(this.app.getEnvironment())) {
      return
    }
    const { parseRoles } = await import('#processes/process_roles')
    const { default: env } = await import('#start/env')
    const host = await this.app.container.make('plugins')
    await host.boot(parseRoles(env.get('PROCESS_ROLES'), ['web']))
  }

  async shutdown() {
    const host = await this.app.container.make('plugins')
    await host.shutdown()
  }
}

declare module '@adonisjs/core/types' {
  interface ContainerBindings {
    plugins: PluginHost
  }
}

/**
 * Settings > Plugins, the flow editor's palette metadata, and the routes
 * that plugins contribute.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import pluginHost from '#plugins/main'
import { mountPluginRoutes } from '#plugins/plugin_routes'

const PluginSettingsController = () => import('#controllers/plugin_settings_controller')
const NodeTypesController = () => import('#controllers/node_types_controller')

router
  .group(() => {
    router.get('/settings/plugins', [PluginSettingsController, 'index']).as('plugins.index')
    router.put('/settings/plugins/:name', [PluginSettingsController, 'toggle']).as('plugins.toggle')
    router.get('/settings/plugins/:name', [PluginSettingsController, 'edit']).as('plugins.edit')
    router
      .put('/settings/plugins/:name/settings', [PluginSettingsController, 'update'])
      .as('plugins.settings')

    router.get('/flow/node-types', [NodeTypesController, 'index']).as('node_types.index')
    router
      .post('/flow/node-types/:type/resolve', [NodeTypesController, 'resolve'])
      .as('node_types.resolve')
  })
  .use([middleware.auth(), middleware.tenant()])

mountPluginRoutes(pluginHost, router, [middleware.auth(), middleware.tenant()])

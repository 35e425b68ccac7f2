import { definePlugin } from '#sdk'
import { initReportsContext } from './services/plugin_context.js'
import { subscribeCounters } from './services/event_counting.js'

const ReportsController = () => import('./controllers/reports_controller.js')

/**
 * Reports: the delivery funnel, volume by hour and day, per instance and
 * per flow node, read from counters this plugin keeps up to date from the
 * domain events, with charts and CSV export.
 */
export default definePlugin({
  register(plugin) {
    initReportsContext(plugin)
    subscribeCounters(plugin)

    // The pages live under /campaigns because in development Vite's
    // middleware serves this folder's index.ts at the bare /plugins/reports.
    // The core navigation's "Reports" entry reaches them through /reports.
    plugin.routes((router) => {
      router.get('/campaigns', [ReportsController, 'index']).as('reports.index')
      router.get('/campaigns/export', [ReportsController, 'exportOverview']).as('reports.export')
      router
        .get('/campaigns/:id', [ReportsController, 'show'])
        .where('id', /^\d+$/)
        .as('reports.show')
      router.get('/campaigns/:id/nodes', [ReportsController, 'nodes']).as('reports.nodes')
      router
        .get('/campaigns/:id/export', [ReportsController, 'exportCampaign'])
        .as('reports.campaign_export')
    })
  },
})

import { definePlugin } from '#sdk'
import { initAuditContext } from './services/plugin_context.js'
import { subscribeToDomainEvents } from './services/domain_entries.js'
import { listenToSignIns } from './services/sign_in_entries.js'

const EntriesController = () => import('./controllers/entries_controller.js')

let stopListening: (() => void) | null = null

/**
 * Audit log: an append-only record of sign-ins, member, campaign, channel,
 * contact list, import and settings actions, with a filtered page and CSV
 * export.
 */
export default definePlugin({
  register(plugin) {
    initAuditContext(plugin)
    subscribeToDomainEvents(plugin)

    // The list lives at /entries because in development Vite's middleware
    // serves this folder's index.ts at the bare /plugins/audit.
    plugin.nav({ label: 'audit.nav', path: '/entries', icon: '↺', ability: 'manageTenant' })

    plugin.routes((router) => {
      router.get('/entries', [EntriesController, 'index']).as('audit.index')
      router.get('/entries.csv', [EntriesController, 'export']).as('audit.export')
    })
  },

  boot(plugin, { roles }) {
    if (roles.includes('web')) {
      stopListening = listenToSignIns(plugin)
    }
  },

  shutdown() {
    stopListening?.()
    stopListening = null
  },
})

/**
 * Connections (channel instances) and the phone simulator of the current tenant.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const ConnectionsController = () => import('#controllers/connections_controller')
const SimulatorController = () => import('#controllers/simulator_controller')

router
  .group(() => {
    router.get('/connections', [ConnectionsController, 'index']).as('connections')
    router.post('/connections', [ConnectionsController, 'store']).as('connections.store')
    router.put('/connections/:id', [ConnectionsController, 'update']).as('connections.update')
    router.delete('/connections/:id', [ConnectionsController, 'destroy']).as('connections.destroy')
    router
      .post('/connections/:id/connect', [ConnectionsController, 'connect'])
      .as('connections.connect')
    router
      .post('/connections/:id/disconnect', [ConnectionsController, 'disconnect'])
      .as('connections.disconnect')
    router
      .post('/connections/:id/logout', [ConnectionsController, 'logout'])
      .as('connections.logout')
    router.post('/connections/:id/drop', [ConnectionsController, 'drop']).as('connections.drop')
    router
      .post('/connections/:id/pairing-code', [ConnectionsController, 'pairingCode'])
      .as('connections.pairing_code')
    router
      .post('/connections/:id/resume-sends', [ConnectionsController, 'resumeSends'])
      .as('connections.resume_sends')

    router.get('/simulator', [SimulatorController, 'show']).as('simulator')
    router
      .get('/simulator/:id/conversation', [SimulatorController, 'conversation'])
      .as('simulator.conversation')
    router.post('/simulator/:id/scan', [SimulatorController, 'scan']).as('simulator.scan')
    router.post('/simulator/:id/reply', [SimulatorController, 'reply']).as('simulator.reply')
  })
  .use([middleware.auth(), middleware.tenant()])

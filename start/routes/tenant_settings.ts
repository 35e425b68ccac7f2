/**
 * Settings pages of the current tenant that are not members, plugins or
 * API tokens.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const QuietHoursController = () => import('#controllers/quiet_hours_controller')

router
  .group(() => {
    router.get('/settings/quiet-hours', [QuietHoursController, 'edit']).as('quiet_hours.edit')
    router.put('/settings/quiet-hours', [QuietHoursController, 'update']).as('quiet_hours.update')
  })
  .use([middleware.auth(), middleware.tenant()])

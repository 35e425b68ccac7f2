/**
 * Settings pages of the current tenant that are not members, plugins or
 * API tokens: the workspace's name, country and time zone, leaving and
 * deleting it, and its quiet hours.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const QuietHoursController = () => import('#controllers/quiet_hours_controller')
const WorkspaceSettingsController = () => import('#controllers/workspace_settings_controller')

router
  .group(() => {
    router.get('/settings/quiet-hours', [QuietHoursController, 'edit']).as('quiet_hours.edit')
    router.put('/settings/quiet-hours', [QuietHoursController, 'update']).as('quiet_hours.update')
    router
      .get('/settings/workspace', [WorkspaceSettingsController, 'edit'])
      .as('workspace_settings.edit')
    router
      .put('/settings/workspace', [WorkspaceSettingsController, 'update'])
      .as('workspace_settings.update')
    router
      .post('/settings/workspace/leave', [WorkspaceSettingsController, 'leave'])
      .as('workspace_settings.leave')
    router
      .delete('/settings/workspace', [WorkspaceSettingsController, 'destroy'])
      .as('workspace_settings.destroy')
  })
  .use([middleware.auth(), middleware.tenant()])

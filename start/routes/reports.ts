/**
 * The core navigation's "Reports" entry, which the reports plugin serves.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

router
  .get('/reports', ({ response }) => response.redirect('/plugins/reports/campaigns'))
  .as('reports')
  .use([middleware.auth(), middleware.tenant()])

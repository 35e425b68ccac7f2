/**
 * Flow engine figures of the current tenant's campaigns.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const CampaignProgressController = () => import('#controllers/campaign_progress_controller')

router
  .get('/campaigns/:id/progress', [CampaignProgressController, 'show'])
  .as('campaigns.progress')
  .use([middleware.auth(), middleware.tenant()])

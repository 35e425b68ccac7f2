/**
 * Delivery tracking of the current tenant's campaigns: the messages page
 * and its CSV export.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const CampaignMessagesController = () => import('#controllers/campaign_messages_controller')

router
  .group(() => {
    router
      .get('/campaigns/:id/messages', [CampaignMessagesController, 'index'])
      .as('campaigns.messages')
    router
      .get('/campaigns/:id/messages.csv', [CampaignMessagesController, 'export'])
      .as('campaigns.messages.export')
  })
  .use([middleware.auth(), middleware.tenant()])

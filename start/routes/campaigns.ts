/**
 * Campaigns of the current tenant: settings, the flow editor with its
 * draft and versions, state actions and the message preview.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import CampaignStatesController from '#controllers/campaign_states_controller'
import { CAMPAIGN_ACTIONS } from '#services/campaigns/campaign_states'

const CampaignsController = () => import('#controllers/campaigns_controller')
const CampaignFlowsController = () => import('#controllers/campaign_flows_controller')
const FlowVersionsController = () => import('#controllers/flow_versions_controller')
const CampaignPreviewsController = () => import('#controllers/campaign_previews_controller')

router
  .group(() => {
    router.get('/campaigns', [CampaignsController, 'index']).as('campaigns')
    router.get('/campaigns/new', [CampaignsController, 'create']).as('campaigns.create')
    router.post('/campaigns', [CampaignsController, 'store']).as('campaigns.store')
    router
      .post('/campaigns/audience/count', [CampaignsController, 'countAudience'])
      .as('campaigns.audience_count')
    router.get('/campaigns/:id', [CampaignsController, 'edit']).as('campaigns.edit')
    router.put('/campaigns/:id', [CampaignsController, 'update']).as('campaigns.update')
    router.delete('/campaigns/:id', [CampaignsController, 'destroy']).as('campaigns.destroy')

    router.get('/campaigns/:id/flow', [CampaignFlowsController, 'show']).as('campaigns.flow')
    router
      .put('/campaigns/:id/flow', [CampaignFlowsController, 'update'])
      .as('campaigns.flow.update')

    router
      .get('/campaigns/:id/versions', [FlowVersionsController, 'index'])
      .as('campaigns.versions')
    router
      .post('/campaigns/:id/versions', [FlowVersionsController, 'store'])
      .as('campaigns.publish')
    router
      .get('/campaigns/:id/versions/:number', [FlowVersionsController, 'show'])
      .as('campaigns.versions.show')
    router
      .post('/campaigns/:id/versions/:number/restore', [FlowVersionsController, 'restore'])
      .as('campaigns.versions.restore')

    for (const action of CAMPAIGN_ACTIONS) {
      router
        .post(`/campaigns/:id/${action}`, CampaignStatesController.action(action))
        .as(`campaigns.${action}`)
    }

    router
      .get('/campaigns/:id/audience/contacts', [CampaignPreviewsController, 'contacts'])
      .as('campaigns.audience_contacts')
    router
      .post('/campaigns/:id/preview', [CampaignPreviewsController, 'preview'])
      .as('campaigns.preview')
  })
  .use([middleware.auth(), middleware.tenant()])

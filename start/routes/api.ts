/**
 * The REST API under /api/v1, authenticated by API tokens, its OpenAPI
 * document and interactive page, and the settings page that manages tokens.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import ApiCampaignsController from '#controllers/api/campaigns_controller'
import { CAMPAIGN_ACTIONS } from '#services/campaigns/campaign_states'

const ContactsController = () => import('#controllers/api/contacts_controller')
const ListsController = () => import('#controllers/api/lists_controller')
const SegmentsController = () => import('#controllers/api/segments_controller')
const TemplatesController = () => import('#controllers/api/templates_controller')
const MessagesController = () => import('#controllers/api/messages_controller')
const InstancesController = () => import('#controllers/api/instances_controller')
const ApiDocsController = () => import('#controllers/api/api_docs_controller')
const ApiTokensController = () => import('#controllers/api_tokens_controller')

router
  .group(() => {
    router.get('/contacts', [ContactsController, 'index']).as('api.contacts.index')
    router.post('/contacts', [ContactsController, 'store']).as('api.contacts.store')
    router.get('/contacts/:id', [ContactsController, 'show']).as('api.contacts.show')
    router.put('/contacts/:id', [ContactsController, 'update']).as('api.contacts.update')
    router.delete('/contacts/:id', [ContactsController, 'destroy']).as('api.contacts.destroy')
    router.post('/contacts/:id/opt-out', [ContactsController, 'optOut']).as('api.contacts.optOut')
    router.post('/contacts/:id/opt-in', [ContactsController, 'optIn']).as('api.contacts.optIn')

    router.get('/lists', [ListsController, 'index']).as('api.lists.index')
    router.post('/lists', [ListsController, 'store']).as('api.lists.store')
    router.get('/lists/:id', [ListsController, 'show']).as('api.lists.show')
    router.put('/lists/:id', [ListsController, 'update']).as('api.lists.update')
    router.delete('/lists/:id', [ListsController, 'destroy']).as('api.lists.destroy')
    router.get('/lists/:id/contacts', [ListsController, 'contacts']).as('api.lists.contacts')
    router.post('/lists/:id/contacts', [ListsController, 'addContacts']).as('api.lists.addContacts')
    router
      .delete('/lists/:id/contacts', [ListsController, 'removeContacts'])
      .as('api.lists.removeContacts')

    router.get('/segments', [SegmentsController, 'index']).as('api.segments.index')
    router.post('/segments', [SegmentsController, 'store']).as('api.segments.store')
    router.get('/segments/:id', [SegmentsController, 'show']).as('api.segments.show')
    router.put('/segments/:id', [SegmentsController, 'update']).as('api.segments.update')
    router.delete('/segments/:id', [SegmentsController, 'destroy']).as('api.segments.destroy')

    router.get('/templates', [TemplatesController, 'index']).as('api.templates.index')
    router.post('/templates', [TemplatesController, 'store']).as('api.templates.store')
    router.get('/templates/:id', [TemplatesController, 'show']).as('api.templates.show')
    router.put('/templates/:id', [TemplatesController, 'update']).as('api.templates.update')
    router.delete('/templates/:id', [TemplatesController, 'destroy']).as('api.templates.destroy')

    router
      .get('/campaigns', (ctx) => new ApiCampaignsController().index(ctx))
      .as('api.campaigns.index')
    router
      .post('/campaigns', (ctx) => new ApiCampaignsController().store(ctx))
      .as('api.campaigns.store')
    router
      .get('/campaigns/:id', (ctx) => new ApiCampaignsController().show(ctx))
      .as('api.campaigns.show')
    router
      .get('/campaigns/:id/progress', (ctx) => new ApiCampaignsController().progress(ctx))
      .as('api.campaigns.progress')
    for (const action of CAMPAIGN_ACTIONS) {
      router
        .post(`/campaigns/:id/${action}`, ApiCampaignsController.action(action))
        .as(`api.campaigns.${action}`)
    }

    router.get('/messages', [MessagesController, 'index']).as('api.messages.index')
    router.post('/messages', [MessagesController, 'store']).as('api.messages.store')
    router.get('/messages/:id', [MessagesController, 'show']).as('api.messages.show')

    router.get('/instances', [InstancesController, 'index']).as('api.instances.index')
    router.get('/instances/:id', [InstancesController, 'show']).as('api.instances.show')
  })
  .prefix('/api/v1')
  .use(middleware.apiToken())

router.get('/api/v1/openapi.json', [ApiDocsController, 'document']).as('api.openapi')
router.get('/api/docs', [ApiDocsController, 'page']).as('api.docs')

router
  .group(() => {
    router.get('/settings/api-tokens', [ApiTokensController, 'index']).as('api_tokens.index')
    router.post('/settings/api-tokens', [ApiTokensController, 'store']).as('api_tokens.store')
    router
      .delete('/settings/api-tokens/:id', [ApiTokensController, 'destroy'])
      .as('api_tokens.destroy')
  })
  .use([middleware.auth(), middleware.tenant()])

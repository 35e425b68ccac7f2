/**
 * The inbox of the current tenant: conversations, replies, assignment,
 * notes and consent changes.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const InboxController = () => import('#controllers/inbox_controller')

router
  .group(() => {
    router.get('/inbox', [InboxController, 'index']).as('inbox')
    router.get('/inbox/conversations', [InboxController, 'list']).as('inbox.list')
    router.get('/inbox/:id', [InboxController, 'show']).as('inbox.show')
    router.get('/inbox/:id/messages', [InboxController, 'older']).as('inbox.older')
    router.post('/inbox/:id/messages', [InboxController, 'reply']).as('inbox.reply')
    router.put('/inbox/:id/assignee', [InboxController, 'assign']).as('inbox.assign')
    router.post('/inbox/:id/notes', [InboxController, 'addNote']).as('inbox.notes')
    router.post('/inbox/:id/tags', [InboxController, 'addTags']).as('inbox.tags.add')
    router.delete('/inbox/:id/tags/:name', [InboxController, 'removeTag']).as('inbox.tags.remove')
    router.post('/inbox/:id/opt-out', [InboxController, 'optOut']).as('inbox.opt_out')
    router.post('/inbox/:id/opt-in', [InboxController, 'optIn']).as('inbox.opt_in')
    router.get('/inbox/messages/:id/media', [InboxController, 'media']).as('inbox.media')
  })
  .where('id', /^\d+$/)
  .use([middleware.auth(), middleware.tenant()])

/**
 * Contacts, CSV imports, lists, segments and templates of the current tenant.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'

const ContactsController = () => import('#controllers/contacts_controller')
const CustomFieldsController = () => import('#controllers/custom_fields_controller')
const AudienceSettingsController = () => import('#controllers/audience_settings_controller')
const ContactImportsController = () => import('#controllers/contact_imports_controller')
const ContactExportsController = () => import('#controllers/contact_exports_controller')
const ContactListsController = () => import('#controllers/contact_lists_controller')
const SegmentsController = () => import('#controllers/segments_controller')
const TemplatesController = () => import('#controllers/templates_controller')

router
  .group(() => {
    router.get('/contacts', [ContactsController, 'index']).as('contacts')
    router.get('/contacts/new', [ContactsController, 'create']).as('contacts.create')
    router.get('/contacts/choices', [ContactsController, 'choices']).as('contacts.choices')
    router.post('/contacts', [ContactsController, 'store']).as('contacts.store')

    router.get('/contacts/fields', [CustomFieldsController, 'index']).as('custom_fields.index')
    router.post('/contacts/fields', [CustomFieldsController, 'store']).as('custom_fields.store')
    router
      .delete('/contacts/fields/:id', [CustomFieldsController, 'destroy'])
      .as('custom_fields.destroy')

    router.get('/contacts/opt-out', [AudienceSettingsController, 'edit']).as('opt_out.edit')
    router.put('/contacts/opt-out', [AudienceSettingsController, 'update']).as('opt_out.update')

    router.get('/contacts/imports', [ContactImportsController, 'index']).as('imports.index')
    router.get('/contacts/imports/new', [ContactImportsController, 'create']).as('imports.create')
    router.post('/contacts/imports', [ContactImportsController, 'store']).as('imports.store')
    router.get('/contacts/imports/:id', [ContactImportsController, 'show']).as('imports.show')
    router.put('/contacts/imports/:id', [ContactImportsController, 'update']).as('imports.update')
    router
      .post('/contacts/imports/:id/start', [ContactImportsController, 'start'])
      .as('imports.start')
    router
      .get('/contacts/imports/:id/report.csv', [ContactImportsController, 'report'])
      .as('imports.report')

    router.get('/contacts/export.csv', [ContactExportsController, 'export']).as('contacts.export')

    router.get('/contacts/:id', [ContactsController, 'show']).as('contacts.show')
    router.put('/contacts/:id', [ContactsController, 'update']).as('contacts.update')
    router.delete('/contacts/:id', [ContactsController, 'destroy']).as('contacts.destroy')
    router.post('/contacts/:id/opt-out', [ContactsController, 'optOut']).as('contacts.opt_out')
    router.post('/contacts/:id/opt-in', [ContactsController, 'optIn']).as('contacts.opt_in')

    router.get('/lists', [ContactListsController, 'index']).as('lists')
    router.post('/lists', [ContactListsController, 'store']).as('lists.store')
    router.get('/lists/:id', [ContactListsController, 'show']).as('lists.show')
    router.put('/lists/:id', [ContactListsController, 'update']).as('lists.update')
    router.delete('/lists/:id', [ContactListsController, 'destroy']).as('lists.destroy')
    router.post('/lists/:id/contacts', [ContactListsController, 'addContacts']).as('lists.add')
    router
      .delete('/lists/:id/contacts', [ContactListsController, 'removeContacts'])
      .as('lists.remove')

    router.get('/segments/new', [SegmentsController, 'create']).as('segments.create')
    router.post('/segments', [SegmentsController, 'store']).as('segments.store')
    router.post('/segments/count', [SegmentsController, 'count']).as('segments.count')
    router.get('/segments/:id', [SegmentsController, 'edit']).as('segments.edit')
    router.put('/segments/:id', [SegmentsController, 'update']).as('segments.update')
    router.delete('/segments/:id', [SegmentsController, 'destroy']).as('segments.destroy')

    router.get('/templates', [TemplatesController, 'index']).as('templates')
    router.get('/templates/new', [TemplatesController, 'create']).as('templates.create')
    router.post('/templates', [TemplatesController, 'store']).as('templates.store')
    router.post('/templates/preview', [TemplatesController, 'preview']).as('templates.preview')
    router.get('/templates/:id', [TemplatesController, 'edit']).as('templates.edit')
    router.put('/templates/:id', [TemplatesController, 'update']).as('templates.update')
    router.delete('/templates/:id', [TemplatesController, 'destroy']).as('templates.destroy')
    router.get('/templates/:id/media', [TemplatesController, 'media']).as('templates.media')
  })
  .use([middleware.auth(), middleware.tenant()])

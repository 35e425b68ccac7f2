import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import CustomField from '#models/custom_field'
import { customFieldValidator } from '#validators/audience'
import { serializeField } from '#services/contacts/contact_serializer'
import { CONTACT_VARIABLES } from '#services/templates/template_variables'

/**
 * Returns a validation error on one field of the form, which the page shows
 * under that field and keeps the typed values for, like a schema error.
 */
function fieldError(field: string, message: string) {
  return new vineErrors.E_VALIDATION_ERROR([{ field, message, rule: field }])
}

export default class CustomFieldsController {
  async index({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const fields = await CustomField.query().orderBy('label')
    return inertia.render('contacts/fields', {
      fields: fields.map(serializeField),
      canEdit: await bouncer.allows('designCampaigns'),
    })
  }

  async store({ request, response, bouncer, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const input = await request.validateUsing(customFieldValidator)
    const clash = input.key in CONTACT_VARIABLES || (await CustomField.findBy('key', input.key))
    if (clash) {
      throw fieldError('key', i18n.t('contacts.fields.key_taken', { key: input.key }))
    }
    const options = (input.options ?? '')
      .split(',')
      .map((option) => option.trim())
      .filter(Boolean)
    if (input.type === 'choice' && options.length < 2) {
      throw fieldError('options', i18n.t('contacts.fields.options_needed'))
    }
    const field = await CustomField.create({
      ...input,
      options: input.type === 'choice' ? options : [],
    })
    logger.info({ customFieldId: field.id }, 'custom field created')
    session.flash('success', i18n.t('contacts.fields.created', { label: field.label }))
    return response.redirect().back()
  }

  async destroy({ params, response, bouncer, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const field = await CustomField.findOrFail(params.id)
    await field.delete()
    logger.info({ customFieldId: field.id }, 'custom field deleted')
    session.flash('success', i18n.t('contacts.fields.deleted', { label: field.label }))
    return response.redirect().back()
  }
}

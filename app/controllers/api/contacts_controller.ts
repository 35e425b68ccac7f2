import type { HttpContext } from '@adonisjs/core/http'
import Contact from '#models/contact'
import { apiContactValidator, contactFiltersValidator } from '#validators/api'
import { deleteContact, saveContact } from '#services/contacts/contact_service'
import { contactSearchQuery } from '#services/contacts/contact_search'
import { fieldValuesOf } from '#services/contacts/custom_field_values'
import { serializeContact } from '#services/contacts/contact_serializer'
import { optIn, optOut } from '#services/contacts/opt_out'
import { pageOf, paginated } from '#services/api/pagination'

export default class ApiContactsController {
  async index({ request, tenant }: HttpContext) {
    const filters = await contactFiltersValidator.validate(request.qs())
    const { page, perPage } = pageOf(filters)
    const contacts = await contactSearchQuery(filters, tenant.defaultCountry)
      .preload('tags')
      .orderBy('contacts.id')
      .paginate(page, perPage)
    return paginated(contacts, serializeContact)
  }

  async store({ request, response, tenant }: HttpContext) {
    const input = await request.validateUsing(apiContactValidator)
    const contact = await saveContact(tenant, { ...input, consent: input.consent }, undefined, {
      source: 'api',
      userId: null,
    })
    return response.created({ data: await this.present(contact.id) })
  }

  async show({ params }: HttpContext) {
    return { data: await this.present(params.id) }
  }

  async update({ params, request, tenant }: HttpContext) {
    const existing = await Contact.findOrFail(params.id)
    const input = await request.validateUsing(apiContactValidator)
    await saveContact(tenant, input, existing, { source: 'api', userId: null })
    return { data: await this.present(existing.id) }
  }

  async destroy({ params, response }: HttpContext) {
    const contact = await Contact.findOrFail(params.id)
    await deleteContact(contact, { source: 'api', userId: null })
    return response.noContent()
  }

  async optOut({ params }: HttpContext) {
    const contact = await Contact.findOrFail(params.id)
    await optOut(contact, { reason: 'api' })
    return { data: await this.present(contact.id) }
  }

  async optIn({ params }: HttpContext) {
    const contact = await Contact.findOrFail(params.id)
    await optIn(contact, { reason: 'api' })
    return { data: await this.present(contact.id) }
  }

  private async present(id: number | string) {
    const contact = await Contact.query().where('id', id).preload('tags').firstOrFail()
    const values = await fieldValuesOf([contact.id])
    return { ...serializeContact(contact), fields: values.get(contact.id) ?? {} }
  }
}

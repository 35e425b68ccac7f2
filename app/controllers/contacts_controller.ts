import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import Contact from '#models/contact'
import ContactList from '#models/contact_list'
import CustomField from '#models/custom_field'
import { CONTACT_LANGUAGES, contactValidator } from '#validators/audience'
import {
  ContactInputException,
  deleteContact,
  saveContact,
  splitTags,
} from '#services/contacts/contact_service'
import {
  CONTACTS_PER_PAGE,
  contactFiltersFrom,
  contactSearchQuery,
  findContactChoices,
} from '#services/contacts/contact_search'
import { fieldValuesOf } from '#services/contacts/custom_field_values'
import { optIn, optOut } from '#services/contacts/opt_out'
import {
  serializeContact,
  serializeContactChoice,
  serializeField,
} from '#services/contacts/contact_serializer'
import { pageParam } from '#services/database/page_numbers'

export default class ContactsController {
  async index({ request, inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const filters = contactFiltersFrom(request.qs())
    const page = pageParam(request.input('page'))
    const contacts = await contactSearchQuery(filters, tenant.defaultCountry)
      .preload('tags')
      .orderBy('contacts.created_at', 'desc')
      .orderBy('contacts.id', 'desc')
      .paginate(page, CONTACTS_PER_PAGE)
    const lists = await ContactList.query().orderBy('name')

    return inertia.render('contacts/index', {
      filters: { ...filters, listId: filters.listId ?? null },
      contacts: contacts.all().map((contact) => serializeContact(contact)),
      pagination: {
        page: contacts.currentPage,
        lastPage: contacts.lastPage,
        total: contacts.total,
      },
      lists: lists.map((list) => ({ id: list.id, name: list.name })),
      canEdit: await bouncer.allows('designCampaigns'),
    })
  }

  /**
   * Contacts of the workspace whose name or phone matches `search`, for the
   * contact pickers. With `reachable=1`, opted-out contacts are left out.
   */
  async choices({ request, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const query = Contact.query()
    if (request.input('reachable') === '1') {
      query.whereNot('contacts.consent', 'opted_out')
    }
    const search = request.input('search')
    const contacts = await findContactChoices(
      query,
      typeof search === 'string' ? search : '',
      tenant.defaultCountry
    )
    return { contacts: contacts.map(serializeContactChoice) }
  }

  async create({ inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const fields = await CustomField.query().orderBy('label')
    return inertia.render('contacts/show', {
      contact: null,
      defaultCountry: tenant.defaultCountry,
      languages: CONTACT_LANGUAGES,
      fields: fields.map(serializeField),
      lists: [],
      canEdit: true,
      canOptOut: true,
    })
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    const contact = await this.save(ctx)
    ctx.logger.info({ contactId: contact.id }, 'contact created')
    ctx.session.flash('success', ctx.i18n.t('contacts.created'))
    return ctx.response.redirect(`/contacts/${contact.id}`)
  }

  async show({ params, inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const contact = await Contact.query()
      .where('id', params.id)
      .preload('tags')
      .preload('lists')
      .firstOrFail()
    const fields = await CustomField.query().orderBy('label')
    const valuesByContact = await fieldValuesOf([contact.id])
    const values = valuesByContact.get(contact.id) ?? {}
    return inertia.render('contacts/show', {
      contact: { ...serializeContact(contact), fields: values },
      defaultCountry: tenant.defaultCountry,
      languages: CONTACT_LANGUAGES,
      fields: fields.map(serializeField),
      lists: contact.lists.map((list) => ({ id: list.id, name: list.name })),
      canEdit: await bouncer.allows('designCampaigns'),
      canOptOut: await bouncer.allows('workInbox'),
    })
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    const existing = await Contact.findOrFail(ctx.params.id)
    const contact = await this.save(ctx, existing)
    ctx.logger.info({ contactId: contact.id }, 'contact updated')
    ctx.session.flash('success', ctx.i18n.t('contacts.saved'))
    return ctx.response.redirect().back()
  }

  async destroy({ params, response, bouncer, session, i18n, logger, auth }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const contact = await Contact.findOrFail(params.id)
    await deleteContact(contact, { source: 'manual', userId: auth.user?.id ?? null })
    logger.info({ contactId: contact.id }, 'contact deleted')
    session.flash('success', i18n.t('contacts.deleted'))
    return response.redirect('/contacts')
  }

  async optOut({ params, response, bouncer, session, i18n, logger, auth }: HttpContext) {
    await bouncer.authorize('workInbox')
    const contact = await Contact.findOrFail(params.id)
    await optOut(contact, { reason: 'operator', userId: auth.user?.id ?? null })
    logger.info({ contactId: contact.id }, 'contact opted out by operator')
    session.flash('success', i18n.t('contacts.opted_out_done'))
    return response.redirect().back()
  }

  async optIn({ params, response, bouncer, session, i18n, logger, auth }: HttpContext) {
    await bouncer.authorize('workInbox')
    const contact = await Contact.findOrFail(params.id)
    await optIn(contact, { reason: 'operator', userId: auth.user?.id ?? null })
    logger.info({ contactId: contact.id }, 'contact opted in by operator')
    session.flash('success', i18n.t('contacts.opted_in_done'))
    return response.redirect().back()
  }

  /**
   * Validates and saves the form. A phone or field value that cannot be
   * saved raises a validation error on that field.
   */
  private async save({ request, i18n, tenant, auth }: HttpContext, existing?: Contact) {
    const input = await request.validateUsing(contactValidator)
    try {
      return await saveContact(
        tenant,
        {
          ...input,
          phone: input.phone,
          tags: input.tags === undefined ? undefined : splitTags(input.tags),
          fields: input.fields ?? undefined,
        },
        existing,
        { source: 'manual', userId: auth.user?.id ?? null }
      )
    } catch (error) {
      if (error instanceof ContactInputException) {
        // A validation error, so the form shows it beside its field.
        throw new vineErrors.E_VALIDATION_ERROR([
          {
            field: error.field,
            rule: 'contact',
            message: i18n.t(error.translationKey, error.values),
          },
        ])
      }
      throw error
    }
  }
}

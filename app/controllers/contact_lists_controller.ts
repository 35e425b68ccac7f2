import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import Contact from '#models/contact'
import ContactList from '#models/contact_list'
import Segment from '#models/segment'
import { listMembersValidator, listValidator } from '#validators/audience'
import { addListMembers, deleteList, removeListMembers } from '#services/contacts/list_members'
import { recordAudit } from '#events/audit_record'
import { countListAudience, countSegment } from '#services/segments/audience_query'
import { serializeContact } from '#services/contacts/contact_serializer'
import { pageParam } from '#services/database/page_numbers'

export default class ContactListsController {
  async index({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const lists = await ContactList.query().orderBy('name')
    const segments = await Segment.query().orderBy('name')
    const members = await db
      .from('contact_list_members')
      .whereIn(
        'contact_list_id',
        lists.map((list) => list.id)
      )
      .groupBy('contact_list_id')
      .select('contact_list_id')
      .count('* as total')
    const memberCount = new Map(members.map((row) => [row.contact_list_id, Number(row.total)]))

    return inertia.render('lists/index', {
      lists: await Promise.all(
        lists.map(async (list) => ({
          id: list.id,
          name: list.name,
          description: list.description,
          members: memberCount.get(list.id) ?? 0,
          audience: await countListAudience(list.id),
        }))
      ),
      segments: await Promise.all(
        segments.map(async (segment) => ({
          id: segment.id,
          name: segment.name,
          audience: await countSegment(segment.rules),
        }))
      ),
      canEdit: await bouncer.allows('designCampaigns'),
    })
  }

  async store({ request, response, bouncer, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const input = await request.validateUsing(listValidator)
    if (await ContactList.findBy('name', input.name)) {
      // A validation error, so the form shows it beside the name.
      throw new vineErrors.E_VALIDATION_ERROR([
        {
          field: 'name',
          rule: 'unique',
          message: i18n.t('lists.name_taken', { name: input.name }),
        },
      ])
    }
    const list = await ContactList.create(input)
    await recordAudit('list.created', {
      targetType: 'contact_list',
      targetId: list.id,
      after: { name: list.name },
    })
    return response.redirect(`/lists/${list.id}`)
  }

  async show({ params, request, inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const list = await ContactList.findOrFail(params.id)
    const page = pageParam(request.input('page'))
    const members = await Contact.query()
      .whereExists((sub) =>
        sub
          .from('contact_list_members')
          .whereColumn('contact_list_members.contact_id', 'contacts.id')
          .where('contact_list_members.contact_list_id', list.id)
      )
      .preload('tags')
      .orderBy('contacts.name')
      .paginate(page, 50)
    const audience = await countListAudience(list.id)

    return inertia.render('lists/show', {
      list: { id: list.id, name: list.name, description: list.description },
      members: members.all().map((contact) => serializeContact(contact)),
      pagination: { page: members.currentPage, lastPage: members.lastPage, total: members.total },
      audience,
      canEdit: await bouncer.allows('designCampaigns'),
    })
  }

  async update({ params, request, response, bouncer, session, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const list = await ContactList.findOrFail(params.id)
    list.merge(await request.validateUsing(listValidator))
    await list.save()
    session.flash('success', i18n.t('lists.saved'))
    return response.redirect().back()
  }

  async destroy({ params, response, bouncer, session, i18n, auth }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const list = await ContactList.findOrFail(params.id)
    const contacts = await deleteList(list, { source: 'manual', userId: auth.getUserOrFail().id })
    await recordAudit('list.deleted', {
      targetType: 'contact_list',
      targetId: list.id,
      before: { name: list.name, contacts },
    })
    session.flash('success', i18n.t('lists.deleted', { name: list.name }))
    return response.redirect('/lists')
  }

  /**
   * Adds contacts by id or by phone number in any format. JSON requests get
   * the counts back. Form posts go back to the page, where the entries that
   * are not phone numbers or match no contact show under the textarea, after
   * the other contacts have been added.
   */
  async addContacts(ctx: HttpContext) {
    const { params, request, response, bouncer, session, i18n, tenant, auth } = ctx
    await bouncer.authorize('designCampaigns')
    const list = await ContactList.findOrFail(params.id)
    const { contactIds = [], phones = [] } = await request.validateUsing(listMembersValidator)
    const { added, invalid, notFound } = await addListMembers(
      list,
      { contactIds, phones },
      tenant.defaultCountry,
      { source: 'manual', userId: auth.getUserOrFail().id }
    )
    if (request.accepts(['html', 'json']) === 'json') {
      return response.json({ added, invalid, notFound })
    }
    if (added > 0 || (invalid.length === 0 && notFound.length === 0)) {
      session.flash('success', i18n.t('lists.added', { count: added }))
    }
    const problems = [
      invalid.length > 0 &&
        i18n.t('lists.invalid_phones', {
          count: invalid.length,
          values: invalid.map((value) => `"${value}"`).join(', '),
        }),
      notFound.length > 0 &&
        i18n.t('lists.not_found', { count: notFound.length, phones: notFound.join(', ') }),
    ].filter((message): message is string => Boolean(message))
    if (problems.length > 0) {
      throw new vineErrors.E_VALIDATION_ERROR([
        { field: 'phones', message: problems.join('\n'), rule: 'phones' },
      ])
    }
    return response.redirect().back()
  }

  async removeContacts({ params, request, response, bouncer, auth }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const list = await ContactList.findOrFail(params.id)
    const { contactIds = [] } = await request.validateUsing(listMembersValidator)
    const removed = await removeListMembers(list, contactIds, {
      source: 'manual',
      userId: auth.getUserOrFail().id,
    })
    if (request.accepts(['html', 'json']) === 'json') {
      return response.json({ removed })
    }
    return response.redirect().back()
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import Contact from '#models/contact'
import ContactList from '#models/contact_list'
import { listMembersValidator, listValidator } from '#validators/audience'
import { paginationValidator } from '#validators/api'
import { addListMembers, deleteList, removeListMembers } from '#services/contacts/list_members'
import { recordAudit } from '#events/audit_record'
import { serializeContact } from '#services/contacts/contact_serializer'
import { countListAudience } from '#services/segments/audience_query'
import { ApiException } from '#services/api/api_errors'
import { pageOf, paginated } from '#services/api/pagination'
import { serializeList } from '#services/api/api_serializers'

const API_ORIGIN = { source: 'api' } as const

export default class ApiListsController {
  async index({ request }: HttpContext) {
    const { page, perPage } = pageOf(await paginationValidator.validate(request.qs()))
    const lists = await ContactList.query().orderBy('id').paginate(page, perPage)
    return paginated(lists, (list) => serializeList(list))
  }

  async store({ request, response }: HttpContext) {
    const input = await request.validateUsing(listValidator)
    await this.assertNameFree(input.name)
    const list = await ContactList.create(input)
    await recordAudit('list.created', {
      targetType: 'contact_list',
      targetId: list.id,
      after: { name: list.name },
    })
    return response.created({ data: serializeList(list, 0) })
  }

  async show({ params }: HttpContext) {
    const list = await ContactList.findOrFail(params.id)
    return {
      data: {
        ...serializeList(list, await this.memberCount(list.id)),
        audience: await countListAudience(list.id),
      },
    }
  }

  async update({ params, request }: HttpContext) {
    const list = await ContactList.findOrFail(params.id)
    const input = await request.validateUsing(listValidator)
    await this.assertNameFree(input.name, list.id)
    list.merge(input)
    await list.save()
    return { data: serializeList(list, await this.memberCount(list.id)) }
  }

  async destroy({ params, response }: HttpContext) {
    const list = await ContactList.findOrFail(params.id)
    const contacts = await deleteList(list, API_ORIGIN)
    await recordAudit('list.deleted', {
      targetType: 'contact_list',
      targetId: list.id,
      before: { name: list.name, contacts },
    })
    return response.noContent()
  }

  async contacts({ params, request }: HttpContext) {
    const list = await ContactList.findOrFail(params.id)
    const { page, perPage } = pageOf(await paginationValidator.validate(request.qs()))
    const members = await Contact.query()
      .whereExists((sub) =>
        sub
          .from('contact_list_members')
          .whereColumn('contact_list_members.contact_id', 'contacts.id')
          .where('contact_list_members.contact_list_id', list.id)
      )
      .preload('tags')
      .orderBy('contacts.id')
      .paginate(page, perPage)
    return paginated(members, serializeContact)
  }

  /** Adds contacts by id or by phone number in any format; returns the numbers not found. */
  async addContacts({ params, request, tenant }: HttpContext) {
    const list = await ContactList.findOrFail(params.id)
    const { contactIds = [], phones = [] } = await request.validateUsing(listMembersValidator)
    return {
      data: await addListMembers(list, { contactIds, phones }, tenant.defaultCountry, API_ORIGIN),
    }
  }

  async removeContacts({ params, request }: HttpContext) {
    const list = await ContactList.findOrFail(params.id)
    const { contactIds = [] } = await request.validateUsing(listMembersValidator)
    const removed = await removeListMembers(list, contactIds, API_ORIGIN)
    return { data: { removed } }
  }

  private async memberCount(listId: number) {
    const row = await db
      .from('contact_list_members')
      .where('contact_list_id', listId)
      .count('* as total')
      .first()
    return Number(row?.total ?? 0)
  }

  private async assertNameFree(name: string, exceptId?: number) {
    const clash = await ContactList.query()
      .where('name', name)
      .if(exceptId, (query) => query.whereNot('id', exceptId!))
      .first()
    if (clash) {
      throw new ApiException(`A list named "${name}" already exists. Choose another name.`, {
        code: 'E_NAME_TAKEN',
        status: 422,
        field: 'name',
      })
    }
  }
}

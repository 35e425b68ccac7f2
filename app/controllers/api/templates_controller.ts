import type { HttpContext } from '@adonisjs/core/http'
import Template from '#models/template'
import { apiTemplateValidator, paginationValidator } from '#validators/api'
import { templateAuditValues, validateBody } from '#services/templates/template_service'
import { recordAudit } from '#events/audit_record'
import { ApiException } from '#services/api/api_errors'
import { pageOf, paginated } from '#services/api/pagination'
import { serializeTemplate } from '#services/api/api_serializers'
import { deleteTemplate } from '#services/templates/template_usage'

/** Finds a template that is not archived, or raises a 404: archived ones are kept for history only. */
function findLiveTemplate(id: unknown) {
  return Template.query().where('id', Number(id)).whereNull('archived_at').firstOrFail()
}

/**
 * Templates over the API carry text only.
 * NOTE: media can be attached in the web editor only; the API keeps an existing attachment.
 */
export default class ApiTemplatesController {
  async index({ request }: HttpContext) {
    const { page, perPage } = pageOf(await paginationValidator.validate(request.qs()))
    const templates = await Template.query()
      .whereNull('archived_at')
      .orderBy('id')
      .paginate(page, perPage)
    return paginated(templates, serializeTemplate)
  }

  async store({ request, response, i18n }: HttpContext) {
    const template = await this.save(request, i18n, new Template())
    return response.created({ data: serializeTemplate(template) })
  }

  async show({ params }: HttpContext) {
    return { data: serializeTemplate(await findLiveTemplate(params.id)) }
  }

  async update({ params, request, i18n }: HttpContext) {
    const template = await this.save(request, i18n, await findLiveTemplate(params.id))
    return { data: serializeTemplate(template) }
  }

  /**
   * Deletes a template no campaign uses and archives one that only ended
   * campaigns use, which then reads as not found here. A template that a
   * campaign not ended uses is rejected with 409.
   */
  async destroy({ params, response }: HttpContext) {
    const template = await findLiveTemplate(params.id)
    const result = await deleteTemplate(template)
    if (result.outcome === 'in_use') {
      const names = result.usage.active.map((campaign) => `"${campaign.name}"`).join(', ')
      throw new ApiException(
        `Template "${template.name}" is used by campaigns that have not ended: ${names}. ` +
          'Change their send steps to another template, or wait until they finish, then delete it.',
        { code: 'E_TEMPLATE_IN_USE', status: 409 }
      )
    }
    return response.noContent()
  }

  private async save(
    request: HttpContext['request'],
    i18n: HttpContext['i18n'],
    template: Template
  ) {
    const input = await request.validateUsing(apiTemplateValidator)
    const clash = await Template.query()
      .where('name', input.name)
      .whereNull('archived_at')
      .if(template.$isPersisted, (query) => query.whereNot('id', template.id))
      .first()
    if (clash) {
      throw new ApiException(
        `A template named "${input.name}" already exists. Choose another name.`,
        {
          code: 'E_NAME_TAKEN',
          status: 422,
          field: 'name',
        }
      )
    }

    const { problems } = await validateBody(input.body, template.mediaType ?? null)
    if (problems.length > 0) {
      const message = problems
        .map((problem) => i18n.t(`templates.errors.${problem.code}`, { ...problem }))
        .join(' ')
      throw new ApiException(message, { code: 'E_TEMPLATE_INVALID', status: 422, field: 'body' })
    }

    const before = template.$isPersisted ? templateAuditValues(template) : null
    template.merge({ name: input.name, body: input.body })
    await template.save()
    await recordAudit(before ? 'template.updated' : 'template.created', {
      targetType: 'template',
      targetId: template.id,
      before,
      after: templateAuditValues(template),
    })
    return template
  }
}

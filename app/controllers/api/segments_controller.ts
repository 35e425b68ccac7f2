import type { HttpContext } from '@adonisjs/core/http'
import Segment from '#models/segment'
import { apiSegmentValidator, paginationValidator } from '#validators/api'
import { countSegment } from '#services/segments/audience_query'
import { parseSegmentRules } from '#services/segments/segment_rules'
import { ApiException } from '#services/api/api_errors'
import { pageOf, paginated } from '#services/api/pagination'
import { serializeSegment } from '#services/api/api_serializers'

export default class ApiSegmentsController {
  async index({ request }: HttpContext) {
    const { page, perPage } = pageOf(await paginationValidator.validate(request.qs()))
    const segments = await Segment.query().orderBy('id').paginate(page, perPage)
    return paginated(segments, serializeSegment)
  }

  async store({ request, response }: HttpContext) {
    const segment = await this.save(request, new Segment())
    return response.created({ data: serializeSegment(segment) })
  }

  async show({ params }: HttpContext) {
    const segment = await Segment.findOrFail(params.id)
    return { data: { ...serializeSegment(segment), audience: await countSegment(segment.rules) } }
  }

  async update({ params, request }: HttpContext) {
    const segment = await this.save(request, await Segment.findOrFail(params.id))
    return { data: serializeSegment(segment) }
  }

  async destroy({ params, response }: HttpContext) {
    const segment = await Segment.findOrFail(params.id)
    await segment.delete()
    return response.noContent()
  }

  private async save(request: HttpContext['request'], segment: Segment) {
    const input = await request.validateUsing(apiSegmentValidator)
    const rules = await parseSegmentRules(input.rules)
    const clash = await Segment.query()
      .where('name', input.name)
      .if(segment.$isPersisted, (query) => query.whereNot('id', segment.id))
      .first()
    if (clash) {
      throw new ApiException(
        `A segment named "${input.name}" already exists. Choose another name.`,
        {
          code: 'E_NAME_TAKEN',
          status: 422,
          field: 'name',
        }
      )
    }
    segment.merge({ name: input.name, rules })
    await segment.save()
    return segment
  }
}

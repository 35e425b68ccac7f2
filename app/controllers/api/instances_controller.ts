import type { HttpContext } from '@adonisjs/core/http'
import ChannelInstance from '#models/channel_instance'
import { paginationValidator } from '#validators/api'
import { pageOf, paginated } from '#services/api/pagination'
import { serializeInstance } from '#services/api/api_serializers'

export default class ApiInstancesController {
  async index({ request }: HttpContext) {
    const { page, perPage } = pageOf(await paginationValidator.validate(request.qs()))
    const instances = await ChannelInstance.query().orderBy('id').paginate(page, perPage)
    return paginated(instances, serializeInstance)
  }

  async show({ params }: HttpContext) {
    return { data: serializeInstance(await ChannelInstance.findOrFail(params.id)) }
  }
}

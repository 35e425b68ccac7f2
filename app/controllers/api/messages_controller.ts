import type { HttpContext } from '@adonisjs/core/http'
import Message from '#models/message'
import { apiMessageValidator, messageFiltersValidator } from '#validators/api'
import { sendSingleMessage } from '#services/api/single_message'
import { pageOf, paginated } from '#services/api/pagination'
import { serializeMessage } from '#services/api/api_serializers'

export default class ApiMessagesController {
  async index({ request }: HttpContext) {
    const filters = await messageFiltersValidator.validate(request.qs())
    const { page, perPage } = pageOf(filters)
    const messages = await Message.query()
      .if(filters.campaignId, (query) => query.where('campaign_id', filters.campaignId!))
      .if(filters.instanceId, (query) => query.where('instance_id', filters.instanceId!))
      .if(filters.status, (query) => query.where('status', filters.status!))
      .orderBy('id', 'desc')
      .paginate(page, perPage)
    return paginated(messages, serializeMessage)
  }

  /** Queues one message; its status moves from `queued` as the channel reports. */
  async store({ request, response, tenant, logger }: HttpContext) {
    const input = await request.validateUsing(apiMessageValidator)
    const message = await sendSingleMessage(tenant, input)
    logger.info({ messageId: message.id, instanceId: message.instanceId }, 'api message queued')
    return response.accepted({ data: serializeMessage(message) })
  }

  async show({ params }: HttpContext) {
    return { data: serializeMessage(await Message.findOrFail(params.id)) }
  }
}

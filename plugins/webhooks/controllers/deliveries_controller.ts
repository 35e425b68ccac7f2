import type { HttpContext } from '#sdk'
import WebhookDelivery from '../models/webhook_delivery.js'
import WebhookEndpoint from '../models/webhook_endpoint.js'
import { redeliver } from '../services/delivery_service.js'

export default class DeliveriesController {
  /** Sends a delivery again with the same id and body. The endpoint must be on. */
  async redeliver(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const delivery = await WebhookDelivery.forTenant(ctx.tenant.id)
      .where('id', ctx.params.id)
      .firstOrFail()
    const endpoint = await WebhookEndpoint.forTenant(ctx.tenant.id)
      .where('id', delivery.endpointId)
      .firstOrFail()
    if (!endpoint.enabled) {
      ctx.session.flash('error', ctx.i18n.t('webhooks.flash.redeliver_off'))
      return ctx.response.redirect().back()
    }
    await redeliver(delivery)
    ctx.session.flash('success', ctx.i18n.t('webhooks.flash.redelivered'))
    return ctx.response.redirect().back()
  }
}

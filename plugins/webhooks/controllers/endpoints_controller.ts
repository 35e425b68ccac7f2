import type { HttpContext } from '#sdk'
import WebhookEndpoint from '../models/webhook_endpoint.js'
import WebhookDelivery from '../models/webhook_delivery.js'
import WebhookAttempt from '../models/webhook_attempt.js'
import { WEBHOOK_EVENTS, endpointValidator } from '../validators.js'
import { generateSecret } from '../services/signature.js'
import { presentDelivery, presentEndpoint } from '../services/endpoint_presenter.js'
import { TargetRejectedError } from '../services/target_guard.js'
import { sendTestDelivery } from '../services/delivery_service.js'
import { webhooksPlugin } from '../services/plugin_context.js'
import { webhooksConfig } from '../config.js'
import { auditEndpointChange, auditedValues } from '../services/audit_trail.js'

/** Deliveries the endpoint page lists, newest first. */
const LOG_SIZE = 50

/** The flash key that carries a secret to the next page, so it is shown once. */
const SECRET_FLASH = 'webhookSecret'

function validate(ctx: HttpContext) {
  return ctx.request.validateUsing(endpointValidator, {
    meta: { translate: (key: string) => ctx.i18n.t(key) },
  })
}

function findEndpoint(ctx: HttpContext) {
  return WebhookEndpoint.forTenant(ctx.tenant.id).where('id', ctx.params.id).firstOrFail()
}

/**
 * Endpoints of the tenant: list, create, edit, delete, reveal the secret
 * and send a test event. Owners and admins only.
 */
export default class EndpointsController {
  async index(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const endpoints = await WebhookEndpoint.forTenant(ctx.tenant.id).orderBy('id')
    return webhooksPlugin().render(ctx, 'index', {
      endpoints: endpoints.map(presentEndpoint),
      events: WEBHOOK_EVENTS,
      allowPrivateTargets: webhooksConfig.allowPrivateTargets,
    })
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const payload = await validate(ctx)
    const secret = generateSecret()
    const endpoint = new WebhookEndpoint().merge({
      tenantId: ctx.tenant.id,
      url: payload.url,
      description: payload.description ?? null,
      events: payload.events,
      enabled: payload.enabled ?? true,
      failedDeliveriesInRow: 0,
    })
    endpoint.storeSecret(secret)
    await endpoint.save()
    ctx.logger.info({ endpointId: endpoint.id }, 'webhook endpoint created')
    await auditEndpointChange(ctx, 'created', endpoint, { after: auditedValues(endpoint) })
    ctx.session.flash(SECRET_FLASH, secret)
    return ctx.response.redirect(`/plugins/webhooks/endpoints/${endpoint.id}`)
  }

  async show(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const endpoint = await findEndpoint(ctx)
    const deliveries = await WebhookDelivery.forTenant(ctx.tenant.id)
      .where('endpoint_id', endpoint.id)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(LOG_SIZE)
    const attempts = await WebhookAttempt.query()
      .where('tenant_id', ctx.tenant.id)
      .whereIn(
        'delivery_id',
        deliveries.map((delivery) => delivery.id)
      )
      .orderBy('attempt')
    return webhooksPlugin().render(ctx, 'show', {
      endpoint: presentEndpoint(endpoint),
      events: WEBHOOK_EVENTS,
      secret: ctx.session.flashMessages.get(SECRET_FLASH) ?? null,
      deliveries: deliveries.map((delivery) =>
        presentDelivery(
          delivery,
          attempts.filter((entry) => entry.deliveryId === delivery.id)
        )
      ),
    })
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const endpoint = await findEndpoint(ctx)
    const payload = await validate(ctx)
    const before = auditedValues(endpoint)
    const enabled = payload.enabled ?? endpoint.enabled
    endpoint.merge({
      url: payload.url,
      description: payload.description ?? null,
      events: payload.events,
      enabled,
    })
    if (enabled) {
      endpoint.merge({ failedDeliveriesInRow: 0, disabledForFailuresAt: null })
    }
    await endpoint.save()
    await auditEndpointChange(ctx, 'updated', endpoint, { before, after: auditedValues(endpoint) })
    ctx.session.flash('success', ctx.i18n.t('webhooks.flash.saved'))
    return ctx.response.redirect().back()
  }

  async destroy(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const endpoint = await findEndpoint(ctx)
    await endpoint.delete()
    ctx.logger.info({ endpointId: endpoint.id }, 'webhook endpoint deleted')
    await auditEndpointChange(ctx, 'deleted', endpoint, { before: auditedValues(endpoint) })
    ctx.session.flash('success', ctx.i18n.t('webhooks.flash.deleted'))
    return ctx.response.redirect('/plugins/webhooks/endpoints')
  }

  async reveal(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const endpoint = await findEndpoint(ctx)
    ctx.logger.info({ endpointId: endpoint.id }, 'webhook secret revealed')
    await auditEndpointChange(ctx, 'secret_revealed', endpoint)
    ctx.session.flash(SECRET_FLASH, endpoint.revealSecret())
    return ctx.response.redirect(`/plugins/webhooks/endpoints/${endpoint.id}`)
  }

  async test(ctx: HttpContext) {
    await ctx.bouncer.authorize('manageTenant')
    const endpoint = await findEndpoint(ctx)
    try {
      await sendTestDelivery(endpoint)
    } catch (error) {
      if (!(error instanceof TargetRejectedError)) {
        throw error
      }
      const message = ctx.i18n.t(`webhooks.errors.${error.reason}`)
      if (ctx.request.accepts(['html', 'json']) === 'json') {
        return ctx.response.unprocessableEntity({ errors: [{ code: error.code, message }] })
      }
      ctx.session.flash('error', message)
      return ctx.response.redirect().back()
    }
    ctx.session.flash('success', ctx.i18n.t('webhooks.flash.test_sent'))
    return ctx.response.redirect().back()
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import ApiToken from '#models/api_token'
import { apiTokenValidator } from '#validators/api'
import { createApiToken, revokeApiToken, tokenCreators } from '#services/api/api_tokens'
import { serializeToken } from '#services/api/api_serializers'
import { recordAudit } from '#events/audit_record'
import { defaultRateLimit } from '#middleware/api_token_middleware'

/**
 * Settings > API tokens: owners and admins create and revoke the tenant's
 * tokens. A new token is shown once, through the flash of the redirect.
 */
export default class ApiTokensController {
  async index({ inertia, bouncer, session }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const tokens = await ApiToken.query().orderBy('created_at', 'desc').orderBy('id', 'desc')
    const creators = await tokenCreators(tokens)
    return inertia.render('settings/api_tokens', {
      tokens: tokens.map((token) => ({
        ...serializeToken(token),
        createdBy: token.createdBy === null ? null : (creators.get(token.createdBy) ?? null),
      })),
      createdToken: session.flashMessages.get('apiToken') ?? null,
      defaultRateLimit: defaultRateLimit(),
    })
  }

  async store({ request, response, bouncer, session, i18n, auth, logger }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const input = await request.validateUsing(apiTokenValidator)
    const { token, plain } = await createApiToken({ ...input, createdBy: auth.user!.id })
    logger.info({ apiTokenId: token.id, scope: token.scope }, 'api token created')
    await recordAudit('api_token.created', {
      targetType: 'api_token',
      targetId: token.id,
      after: { name: token.name, scope: token.scope, prefix: token.tokenPrefix },
    })
    session.flash('apiToken', { id: token.id, name: token.name, token: plain })
    session.flash('success', i18n.t('api_tokens.created'))
    return response.redirect('/settings/api-tokens')
  }

  async destroy({ params, response, bouncer, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const token = await ApiToken.findOrFail(params.id)
    await revokeApiToken(token)
    logger.info({ apiTokenId: token.id }, 'api token revoked')
    await recordAudit('api_token.revoked', {
      targetType: 'api_token',
      targetId: token.id,
      before: { name: token.name, scope: token.scope, prefix: token.tokenPrefix },
    })
    session.flash('success', i18n.t('api_tokens.revoked', { name: token.name }))
    return response.redirect('/settings/api-tokens')
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import limiter from '@adonisjs/limiter/services/main'
import env from '#start/env'
import Tenant from '#models/tenant'
import type ApiToken from '#models/api_token'
import { ApiException } from '#services/api/api_errors'
import { findUsableToken, touchApiToken } from '#services/api/api_tokens'
import { runInTenant } from '#tenancy/tenant_context'

/** Methods a `read` token may call. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Requests a token may make per minute when its own limit is unset.
 * Default: 120.
 */
export function defaultRateLimit() {
  return env.get('API_RATE_LIMIT') ?? 120
}

/**
 * Authenticates an API request by its bearer token, counts it against the
 * token's rate limit, checks the token's scope against the method, and
 * runs the rest of the request inside the token's tenant.
 */
export default class ApiTokenMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const token = await this.authenticate(ctx)
    await this.throttle(ctx, token)

    if (token.scope !== 'write' && !READ_METHODS.has(ctx.request.method())) {
      throw new ApiException(
        `Token "${token.tokenPrefix}…" has the read scope; this request needs a token with the write scope.`,
        { code: 'E_TOKEN_SCOPE', status: 403 }
      )
    }

    await touchApiToken(token)
    ctx.apiToken = token
    ctx.tenant = await Tenant.findOrFail(token.tenantId)
    ctx.logger = ctx.logger.child({ tenantId: token.tenantId, apiTokenId: token.id })
    return runInTenant(token.tenantId, () => next())
  }

  private async authenticate(ctx: HttpContext) {
    const header = ctx.request.header('authorization') ?? ''
    const match = header.match(/^Bearer\s+(\S+)$/i)
    if (!match) {
      throw new ApiException(
        'Missing bearer token. Send "Authorization: Bearer <token>" with an API token from Settings > API tokens.',
        { code: 'E_UNAUTHORIZED', status: 401 }
      )
    }
    const token = await findUsableToken(match[1])
    if (!token) {
      ctx.logger.info({ ip: ctx.request.ip() }, 'api request with an unknown or revoked token')
      throw new ApiException(
        'The bearer token is unknown, revoked or expired. Create a new one in Settings > API tokens.',
        { code: 'E_UNAUTHORIZED', status: 401 }
      )
    }
    return token
  }

  private async throttle(ctx: HttpContext, token: ApiToken) {
    const requests = token.rateLimitPerMinute ?? defaultRateLimit()
    const response = await limiter
      .use({ requests, duration: '1 minute' })
      .consume(`api:token:${token.id}`)
    ctx.response.header('X-RateLimit-Limit', response.limit)
    ctx.response.header('X-RateLimit-Remaining', response.remaining)
  }
}

declare module '@adonisjs/core/http' {
  interface HttpContext {
    apiToken?: ApiToken
  }
}

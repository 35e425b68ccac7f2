import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { isApiRequest } from '#middleware/browser_session_middleware'

/**
 * Reads the session's user when there is one, without requiring it. REST
 * API requests have no session, and their token names the tenant instead.
 */
export default class SilentAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (!isApiRequest(ctx)) {
      await ctx.auth.check()
    }
    return next()
  }
}

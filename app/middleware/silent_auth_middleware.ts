import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { isApiRequest } from '#middleware/browser_session_middleware'
import { isSessionCurrent } from '#services/session_version'

/**
 * Reads the session's user when there is one, without requiring it. REST
 * API requests have no session, and their token names the tenant instead.
 * A session that started before the user's last password change is signed
 * out here, so routes behind `auth` send it to the login page.
 */
export default class SilentAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isApiRequest(ctx)) {
      return next()
    }
    await ctx.auth.check()

    const user = ctx.auth.user
    if (user && !isSessionCurrent(ctx.session, user)) {
      if (ctx.session.readonly) {
        // A real-time request reads the session without writing it, so it cannot sign the
        // session out: it is refused, and the page's next visit signs the session out.
        ctx.logger.info(
          { userId: user.id },
          'real-time request rejected: the session ended after a password change'
        )
        return ctx.response.unauthorized({ error: 'The session ended: sign in again.' })
      }
      ctx.logger.info({ userId: user.id }, 'session signed out after a password change')
      await ctx.auth.use('web').logout()
    }
    return next()
  }
}

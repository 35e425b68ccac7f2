import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import SessionMiddleware from '@adonisjs/session/session_middleware'
import app from '@adonisjs/core/services/app'

/** Path prefix of the REST API, whose requests authenticate by bearer token. */
const API_PREFIX = '/api/v1/'

/**
 * Tells whether a request goes to the REST API. Such a request carries its
 * credentials in every call, so it needs no session, no CSRF token and no
 * cookies.
 */
export function isApiRequest(ctx: HttpContext) {
  return `${ctx.request.url()}/`.startsWith(API_PREFIX)
}

/**
 * Starts the session of browser requests. REST API requests get none, so a
 * bearer-token call sets no session cookie.
 */
export default class BrowserSessionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isApiRequest(ctx)) {
      return next()
    }
    const session = await app.container.make(SessionMiddleware)
    return session.handle(ctx, next)
  }
}

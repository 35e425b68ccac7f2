import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { configProvider } from '@adonisjs/core'
import { Session } from '@adonisjs/session'
import SessionMiddleware from '@adonisjs/session/session_middleware'
import type { ResolvedSessionConfig } from '@adonisjs/session/types'
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'

/** Path prefix of the REST API, whose requests authenticate by bearer token. */
const API_PREFIX = '/api/v1/'

/** Path prefix of the real-time routes: a page's event stream and its subscriptions. */
const LIVE_PREFIX = '/__transmit/'

/**
 * Tells whether a request is an Inertia partial reload: a page refreshing
 * some of its data in the background, such as its live list of
 * connections, rather than a visit to a page.
 */
export function isPartialReload(ctx: HttpContext) {
  return ctx.request.header('x-inertia-partial-data') !== undefined
}

/**
 * Tells whether a request goes to the REST API. Such a request carries its
 * credentials in every call, so it needs no session, no CSRF token and no
 * cookies.
 */
export function isApiRequest(ctx: HttpContext) {
  return `${ctx.request.url()}/`.startsWith(API_PREFIX)
}

let sessionConfig: Promise<ResolvedSessionConfig | null> | undefined

/**
 * Opens the request's session read-only: it identifies the member but
 * takes no flash message and writes nothing back.
 */
async function readSession(ctx: HttpContext) {
  sessionConfig ??= configProvider.resolve<ResolvedSessionConfig>(app, app.config.get('session'))
  const config = (await sessionConfig)!
  ctx.session = new Session(config, config.stores[config.store], emitter, ctx)
  await ctx.session.initiate(true)
}

/**
 * Starts the session of browser requests. REST API requests get none, so a
 * bearer-token call sets no session cookie. The real-time routes read the
 * session without writing it. They run while a page loads, often at the
 * same time as a form's request. A copy of the session they read before
 * the form's response would otherwise be written back after it, losing
 * what the form stored, such as its errors and "Settings saved".
 */
export default class BrowserSessionMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isApiRequest(ctx)) {
      return next()
    }
    if (ctx.request.url().startsWith(LIVE_PREFIX)) {
      await readSession(ctx)
      if (ctx.session.isEmpty) {
        // No page of the app opened this session, so it has no member and no CSRF secret.
        return ctx.response.unauthorized({ error: 'No session: sign in again.' })
      }
      return next()
    }
    const session = await app.container.make(SessionMiddleware)
    if (!isPartialReload(ctx)) {
      return session.handle(ctx, next)
    }
    return session.handle(ctx, () => {
      // A partial reload can reach the server between a form's redirect and the page it
      // leads to, so the flash messages it read (the form's errors, "Settings saved") go
      // back into the session at once, for that page.
      if (!ctx.session.flashMessages.isEmpty) {
        ctx.session.put(ctx.session.flashKey, ctx.session.flashMessages.all())
      }
      return next()
    })
  }
}

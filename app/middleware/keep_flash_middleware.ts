import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Keeps the session's flash messages for the next page. The real-time
 * routes (opening the event stream, subscribing, unsubscribing) run while a
 * page loads or leaves, so one of them can come between a form's redirect
 * and the page it leads to. Without this, that request would take the
 * flash message ("Settings saved") and the page would show none.
 */
export default class KeepFlashMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.session?.reflash()
    return next()
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { httpRequestDuration } from '#metrics/registry'

/**
 * Observes each request's duration in `disparador_http_request_duration_seconds`,
 * labelled with the matched route pattern, never the raw URL, so ids in
 * paths do not make a series each.
 */
export default class HttpMetricsMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const stop = httpRequestDuration.startTimer({ method: ctx.request.method() })
    let thrown: unknown = null
    try {
      return await next()
    } catch (error) {
      thrown = error
      throw error
    } finally {
      const status = thrown
        ? ((thrown as { status?: number }).status ?? 500)
        : ctx.response.getStatus()
      stop({ route: ctx.route?.pattern ?? 'unmatched', status: String(status) })
    }
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Logs one line per request with its request id, status and duration.
 * Health probes log at debug level so they do not flood the log.
 */
export default class RequestLogMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    try {
      await next()
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6
      const url = ctx.request.url()
      const level = url === '/health' || url === '/ready' ? 'debug' : 'info'
      ctx.logger[level](
        {
          method: ctx.request.method(),
          url,
          status: ctx.response.getStatus(),
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'request completed'
      )
    }
  }
}

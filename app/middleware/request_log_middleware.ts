import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Route parameters whose values are secrets: the tokens of password reset
 * and invitation links, which let anyone who has one sign in or join.
 */
const SECRET_PARAMS = new Set(['token'])

/**
 * Returns the request's path with the segments of secret route parameters
 * replaced by `[redacted]`. Route patterns match whole path segments, so a
 * parameter's position in the pattern is its position in the path.
 */
function loggedUrl(ctx: HttpContext) {
  const url = ctx.request.url()
  const names = ctx.route?.pattern.split('/') ?? []
  const secret = (name: string | undefined) =>
    name !== undefined && name.startsWith(':') && SECRET_PARAMS.has(name.slice(1))
  if (!names.some(secret)) {
    return url
  }
  return url
    .split('/')
    .map((segment, index) => (secret(names[index]) ? '[redacted]' : segment))
    .join('/')
}

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
      const url = loggedUrl(ctx)
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

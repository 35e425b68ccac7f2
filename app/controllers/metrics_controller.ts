import { timingSafeEqual } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import { errors } from '@adonisjs/core/http'
import env from '#start/env'
import { metricsContentType, renderMetrics } from '#metrics/collectors'

function sameToken(given: string, expected: string) {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The Prometheus endpoint. It exists only when METRICS_TOKEN is set. Without
 * it the route returns 404, as an unknown path would. Scrapers send the
 * token as `Authorization: Bearer <token>`.
 *
 * NOTE: counters and histograms observed in code (HTTP durations, webhook
 * deliveries, journey steps) cover only the process that serves this
 * request. With worker processes split from the web process, the figures
 * those workers observe are not in this scrape; the gauges read from the
 * database and Redis cover the whole install.
 */
export default class MetricsController {
  async show({ request, response }: HttpContext) {
    const token = env.get('METRICS_TOKEN')
    if (!token) {
      throw new errors.E_ROUTE_NOT_FOUND([request.method(), request.url()])
    }
    const given = (request.header('authorization') ?? '').replace(/^Bearer\s+/i, '')
    if (!sameToken(given, token)) {
      response.header('WWW-Authenticate', 'Bearer realm="metrics"')
      return response.unauthorized({ error: 'E_METRICS_TOKEN_INVALID' })
    }
    response.header('Content-Type', metricsContentType)
    return response.send(await renderMetrics())
  }
}

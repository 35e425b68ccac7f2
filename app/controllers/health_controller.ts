import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { createRedisConnection } from '#queues/redis_connection'
import type { Redis } from 'ioredis'

let probe: Redis | undefined

/**
 * Runs `check` with a deadline, so a hung dependency reports as down.
 */
async function timed(check: () => Promise<unknown>, timeoutMs = 2000) {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return { ok: true, latencyMs: Math.round(performance.now() - started) }
  } catch (error) {
    return { ok: false, error: (error as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

export default class HealthController {
  /**
   * The process is up and serving requests.
   */
  async health({ response }: HttpContext) {
    return response.ok({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) })
  }

  /**
   * The database and Redis both answer.
   */
  async ready({ response, logger }: HttpContext) {
    probe ??= createRedisConnection('ready-probe')
    const [database, redis] = await Promise.all([
      timed(() => db.rawQuery('select 1')),
      timed(() => probe!.ping()),
    ])
    const ready = database.ok && redis.ok
    if (!ready) {
      logger.warn({ database, redis }, 'readiness check failed')
    }
    return response.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'unavailable',
      checks: { database, redis },
    })
  }
}

import env from '#start/env'

/**
 * Redis settings shared by BullMQ, Transmit's bus and every other Redis user.
 * REDIS_URL (`redis://user:password@host:port/db`) wins over the separate
 * variables. `keyPrefix` starts every key, so several installs or test runs
 * can share one Redis server. Default prefix: `disparador`.
 */
export function redisSettings() {
  const url = env.get('REDIS_URL')
  const parsed = url ? parseRedisUrl(url) : undefined
  const dbFromUrl = parsed && parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0

  return {
    host: parsed?.hostname || env.get('REDIS_HOST') || '127.0.0.1',
    port: parsed?.port ? Number(parsed.port) : (env.get('REDIS_PORT') ?? 6379),
    username: parsed?.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed?.password ? decodeURIComponent(parsed.password) : env.get('REDIS_PASSWORD'),
    db: parsed ? dbFromUrl : (env.get('REDIS_DB') ?? 0),
    tls: parsed?.protocol === 'rediss:' ? {} : undefined,
    keyPrefix: env.get('REDIS_PREFIX') ?? 'disparador',
  }
}

function parseRedisUrl(value: string) {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new Error(
      `Invalid REDIS_URL "${value}": use the form redis://[user:password@]host:port/db`
    )
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`Invalid REDIS_URL "${value}": the scheme must be redis:// or rediss://`)
  }
  return parsed
}

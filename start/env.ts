/**
 * Environment variables, validated and cast at boot. A missing or invalid
 * variable stops the process with an error that names it.
 */
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  APP_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  APP_NAME: Env.schema.string.optional(),
  /**
   * Addresses and CIDR ranges of the reverse proxies whose X-Forwarded-For
   * header gives the client address, separated by commas. Unset, loopback
   * and private networks are trusted.
   */
  TRUSTED_PROXIES: Env.schema.string.optional(),
  LOG_LEVEL: Env.schema.enum.optional([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const),
  SESSION_DRIVER: Env.schema.enum(['cookie', 'memory', 'database'] as const),

  /**
   * `sqlite` is the embedded default. `mysql` covers MySQL 8 and MariaDB.
   */
  DB_CONNECTION: Env.schema.enum.optional(['sqlite', 'mysql'] as const),
  SQLITE_PATH: Env.schema.string.optional(),
  STORAGE_PATH: Env.schema.string.optional(),
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),
  DB_SOCKET_PATH: Env.schema.string.optional(),

  /**
   * Redis. REDIS_URL wins over the separate host, port, password and db.
   */
  REDIS_URL: Env.schema.string.optional(),
  REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
  REDIS_PORT: Env.schema.number.optional(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  REDIS_DB: Env.schema.number.optional(),
  REDIS_PREFIX: Env.schema.string.optional(),

  /**
   * Comma-separated roles of the web process: `web`, `worker`, `channels`.
   */
  PROCESS_ROLES: Env.schema.string.optional(),
  SHUTDOWN_TIMEOUT_MS: Env.schema.number.optional(),
  /**
   * How long a channels process keeps an instance without renewing its
   * lease, in milliseconds: the wait before another process takes over the
   * instances of a crashed one. Default: 15000.
   */
  CHANNEL_LEASE_TTL_MS: Env.schema.number.optional(),

  /**
   * Mail. `log` writes each message to the log, `file` to MAIL_FILE_DIR.
   */
  MAIL_TRANSPORT: Env.schema.enum.optional(['log', 'file', 'smtp'] as const),
  MAIL_FROM: Env.schema.string.optional(),
  MAIL_FILE_DIR: Env.schema.string.optional(),
  SMTP_HOST: Env.schema.string.optional({ format: 'host' }),
  SMTP_PORT: Env.schema.number.optional(),
  SMTP_USERNAME: Env.schema.string.optional(),
  SMTP_PASSWORD: Env.schema.string.optional(),

  LOGIN_RATE_LIMIT: Env.schema.number.optional(),

  /**
   * Requests per minute each API token may make, unless the token sets its
   * own limit. Default: 120.
   */
  API_RATE_LIMIT: Env.schema.number.optional(),

  /**
   * Where the demo seeder writes the demo login. Default: tmp/demo-login.txt.
   */
  DEMO_LOGIN_FILE: Env.schema.string.optional(),

  /**
   * Bearer token of the Prometheus endpoint /metrics; unset, the endpoint answers 404.
   */
  METRICS_TOKEN: Env.schema.string.optional(),

  /**
   * `true` lets webhook endpoints target loopback, private and link-local
   * addresses (such as a receiver on this machine). Default: `false`.
   */
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: Env.schema.boolean.optional(),

  /**
   * WebSocket URL every WhatsApp instance connects to, for a staging install
   * or a test run that points at a compatible peer. Default: WhatsApp Web's
   * own, wss://web.whatsapp.com/ws/chat.
   */
  WHATSAPP_WEBSOCKET_URL: (key: string, value?: string) => {
    if (value && !/^wss?:\/\/[^/\s]+/.test(value)) {
      throw new Error(`Invalid ${key} "${value}": expected a ws:// or wss:// URL`)
    }
    return value || undefined
  },
  /**
   * Public key (64 hex characters or base64) of a test certificate root that
   * WhatsApp instances trust instead of WhatsApp's, with its serial. Rejected
   * when NODE_ENV is production. Default: unset (WhatsApp's root only).
   */
  WHATSAPP_TEST_ROOT_PUBLIC_KEY: (key: string, value?: string) => {
    if (value && process.env.NODE_ENV === 'production') {
      throw new Error(`${key} must not be set when NODE_ENV is production: remove it`)
    }
    return value || undefined
  },
  WHATSAPP_TEST_ROOT_SERIAL: Env.schema.number.optional(),
})

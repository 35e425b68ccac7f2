import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'
import { DEFAULT_TRUSTED_PROXIES, trustedProxies } from '#config/trusted_proxies'

export const appKey = env.get('APP_KEY')

/**
 * The URL of the install as users reach it, used in e-mailed links.
 */
export const appUrl = env.get('APP_URL') ?? `http://${env.get('HOST')}:${env.get('PORT')}`

export const http = defineConfig({
  generateRequestId: true,
  allowMethodSpoofing: true,
  useAsyncLocalStorage: true,
  // Only these may set the client address through X-Forwarded-For.
  trustProxy: trustedProxies(env.get('TRUSTED_PROXIES') ?? DEFAULT_TRUSTED_PROXIES),
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction && (env.get('APP_URL') ?? '').startsWith('https:'),
    sameSite: 'lax',
  },
})

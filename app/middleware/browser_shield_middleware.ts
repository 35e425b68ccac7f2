import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'
import app from '@adonisjs/core/services/app'
import encryption from '@adonisjs/core/services/encryption'
import shieldConfig from '#config/shield'
import { isApiRequest } from '#middleware/browser_session_middleware'

/**
 * Shield with the CSRF guard off, for REST API requests: the security
 * headers (frame, HSTS, content sniffing) stay, and no session is read.
 */
const apiShield = new ShieldMiddleware(
  { ...shieldConfig, csrf: { ...shieldConfig.csrf, enabled: false } },
  encryption.use()
)

/**
 * Runs Shield: the CSRF check, its XSRF-TOKEN cookie and the security
 * headers for browser requests, and the headers only for REST API
 * requests, which have no session to keep a CSRF secret in.
 */
export default class BrowserShieldMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (isApiRequest(ctx)) {
      return apiShield.handle(ctx, next)
    }
    const shield = await app.container.make(ShieldMiddleware)
    return shield.handle(ctx, next)
  }
}

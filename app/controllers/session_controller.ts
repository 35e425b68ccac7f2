import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import { errors as authErrors } from '@adonisjs/auth'
import env from '#start/env'
import User from '#models/user'
import { loginValidator } from '#validators/auth'
import { recordFailedSignIn } from '#events/audit_record'
import { guardedAttempt } from '#services/guarded_attempts'
import { rejectThrottled, waitText } from '#services/throttled_response'

/**
 * Failed sign-ins allowed per address and e-mail within a minute; the next
 * one is rejected until the minute ends. Default: 5.
 */
const FAILED_LOGINS_PER_MINUTE = env.get('LOGIN_RATE_LIMIT') ?? 5

/**
 * Audits a sign-in rejected because its address and e-mail are blocked, at
 * most once a minute for each pair, so someone who keeps trying cannot fill
 * the audit log. Each rejected password is audited, and the rate limit
 * above bounds those.
 */
function auditThrottled(key: string, email: string, ip: string) {
  return limiter
    .use({ requests: 1, duration: '1 minute' })
    .attempt(`audit:${key}`, () => recordFailedSignIn(email, ip, 'throttled'))
}

export default class SessionController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/login', {})
  }

  async store(ctx: HttpContext) {
    const { request, auth, response, i18n, logger } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const loginLimiter = limiter.use({
      requests: FAILED_LOGINS_PER_MINUTE,
      duration: '1 minute',
      blockDuration: '1 minute',
    })
    const key = `login:${request.ip()}:${email.toLowerCase()}`
    const logAuditError = (error: unknown) =>
      logger.error({ err: error, ip: request.ip() }, 'failed to audit a failed sign-in')

    let result
    try {
      result = await guardedAttempt(loginLimiter, key, () =>
        User.verifyCredentials(email.toLowerCase(), password)
      )
    } catch (error) {
      if (error instanceof authErrors.E_INVALID_CREDENTIALS) {
        await recordFailedSignIn(email.toLowerCase(), request.ip(), 'invalid_credentials').catch(
          logAuditError
        )
      }
      throw error
    }
    if (result.blocked) {
      logger.warn({ ip: request.ip() }, 'login rate limited')
      await auditThrottled(key, email.toLowerCase(), request.ip()).catch(logAuditError)
      return rejectThrottled(ctx, {
        field: 'password',
        message: i18n.t('auth.throttled', { wait: waitText(i18n, result.availableIn) }),
        availableIn: result.availableIn,
      })
    }
    const user = result.value

    await auth.use('web').login(user)
    logger.info({ userId: user.id }, 'user signed in')
    return response.redirect('/')
  }

  async destroy({ auth, response, logger }: HttpContext) {
    const userId = auth.user?.id
    await auth.use('web').logout()
    logger.info({ userId }, 'user signed out')
    return response.redirect('/login')
  }
}

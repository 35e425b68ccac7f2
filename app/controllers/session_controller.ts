import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import { errors as authErrors } from '@adonisjs/auth'
import env from '#start/env'
import User from '#models/user'
import { loginValidator } from '#validators/auth'
import { recordFailedSignIn, type SignInFailure } from '#events/audit_record'

/**
 * Failed sign-ins allowed per address and e-mail within a minute; the next
 * one is rejected until the minute ends. Default: 5.
 */
const FAILED_LOGINS_PER_MINUTE = env.get('LOGIN_RATE_LIMIT') ?? 5

export default class SessionController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/login', {})
  }

  async store({ request, auth, response, session, i18n, logger }: HttpContext) {
    const { email, password } = await request.validateUsing(loginValidator)
    const loginLimiter = limiter.use({
      requests: FAILED_LOGINS_PER_MINUTE,
      duration: '1 minute',
      blockDuration: '1 minute',
    })
    const key = `login:${request.ip()}:${email.toLowerCase()}`
    const auditFailure = (reason: SignInFailure) =>
      recordFailedSignIn(email.toLowerCase(), request.ip(), reason).catch((error) =>
        logger.error({ err: error, ip: request.ip() }, 'failed to audit a failed sign-in')
      )

    let result
    try {
      result = await loginLimiter.penalize(key, () =>
        User.verifyCredentials(email.toLowerCase(), password)
      )
    } catch (error) {
      if (error instanceof authErrors.E_INVALID_CREDENTIALS) {
        await auditFailure('invalid_credentials')
      }
      throw error
    }
    const [error, user] = result
    if (error) {
      logger.warn({ ip: request.ip() }, 'login rate limited')
      await auditFailure('throttled')
      session.flashErrors({
        E_TOO_MANY_REQUESTS: i18n.t('auth.throttled', {
          seconds: error.response.availableIn,
        }),
      })
      return response.status(429).redirect().back()
    }

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

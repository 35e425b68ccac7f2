import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/auth'
import {
  findUsableResetToken,
  requestPasswordReset,
  resetPassword,
  ResetTokenInvalidException,
} from '#services/password_reset_service'
import { guardedAttempt } from '#services/guarded_attempts'
import { rejectThrottled, waitText } from '#services/throttled_response'

/**
 * Reset links one e-mail address can request within 15 minutes, counted
 * whether or not the address has an account, so the form cannot flood a
 * mailbox and its response still does not reveal who has one.
 */
const RESET_REQUESTS_PER_15_MINUTES = 3

export default class PasswordResetController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/forgot_password', {})
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n, logger } = ctx
    const { email } = await request.validateUsing(forgotPasswordValidator)
    const resetLimiter = limiter.use({
      requests: RESET_REQUESTS_PER_15_MINUTES,
      duration: '15 minutes',
    })
    const attempt = await guardedAttempt(
      resetLimiter,
      `password_reset:${email.toLowerCase()}`,
      () => requestPasswordReset(email, (key, data) => i18n.t(key, data)),
      // A request that went through keeps its count, because the limit is on mails sent.
      () => false
    )
    if (attempt.blocked) {
      logger.warn({ ip: request.ip() }, 'password reset request rate limited')
      return rejectThrottled(ctx, {
        field: 'email',
        message: i18n.t('auth.reset_throttled', { wait: waitText(i18n, attempt.availableIn) }),
        availableIn: attempt.availableIn,
      })
    }
    session.flash('success', i18n.t('auth.reset_link_sent'))
    return response.redirect().back()
  }

  async edit({ params, inertia, response }: HttpContext) {
    try {
      await findUsableResetToken(params.token)
    } catch (error) {
      if (error instanceof ResetTokenInvalidException) {
        return response
          .status(400)
          .send(await inertia.render('auth/reset_password', { valid: false, token: '' }))
      }
      throw error
    }
    return inertia.render('auth/reset_password', { valid: true, token: params.token })
  }

  async update({ params, request, response, session, i18n }: HttpContext) {
    const { password } = await request.validateUsing(resetPasswordValidator)
    try {
      await resetPassword(params.token, password)
    } catch (error) {
      if (error instanceof ResetTokenInvalidException) {
        session.flashErrors({ E_RESET_TOKEN_INVALID: i18n.t('auth.reset_invalid') })
        return response.status(400).redirect().back()
      }
      throw error
    }
    session.flash('success', i18n.t('auth.reset_done'))
    return response.redirect('/login')
  }
}

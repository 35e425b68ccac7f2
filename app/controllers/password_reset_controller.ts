import type { HttpContext } from '@adonisjs/core/http'
import { forgotPasswordValidator, resetPasswordValidator } from '#validators/auth'
import {
  findUsableResetToken,
  requestPasswordReset,
  resetPassword,
  ResetTokenInvalidException,
} from '#services/password_reset_service'

export default class PasswordResetController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/forgot_password', {})
  }

  async store({ request, response, session, i18n }: HttpContext) {
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await requestPasswordReset(email, (key, data) => i18n.t(key, data))
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

import type { HttpContext } from '@adonisjs/core/http'
import limiter from '@adonisjs/limiter/services/main'
import { errors as vineErrors } from '@vinejs/vine'
import env from '#start/env'
import { localeValidator, tenantSwitchValidator } from '#validators/members'
import { changePasswordValidator, profileNameValidator } from '#validators/auth'
import { changePassword } from '#services/password_change_service'
import { guardedAttempt } from '#services/guarded_attempts'
import { rejectThrottled, waitText } from '#services/throttled_response'
import { recordAuditIn } from '#events/audit_record'
import { stampSessionVersion } from '#services/session_version'

/**
 * Wrong current passwords allowed per account within a minute on the
 * password form, as many as failed sign-ins, so a session left open does
 * not let someone guess the password faster than the login form does.
 */
const WRONG_PASSWORDS_PER_MINUTE = env.get('LOGIN_RATE_LIMIT') ?? 5

/** Returns a validation error on the current-password field, shown under it like any other. */
function currentPasswordError(message: string) {
  return new vineErrors.E_VALIDATION_ERROR([
    { field: 'currentPassword', message, rule: 'currentPassword' },
  ])
}

export default class ProfileController {
  async show({ inertia, memberships }: HttpContext) {
    return inertia.render('profile', {
      workspaces: memberships.map((membership) => ({
        id: membership.tenantId,
        name: membership.tenant.name,
        role: membership.role,
      })),
    })
  }

  async updateLocale({ request, response, auth }: HttpContext) {
    const { locale } = await request.validateUsing(localeValidator)
    const user = auth.getUserOrFail()
    user.locale = locale === 'auto' ? null : locale
    await user.save()
    return response.redirect().back()
  }

  async updateName({ request, response, auth, session, i18n }: HttpContext) {
    const { fullName } = await request.validateUsing(profileNameValidator)
    const user = auth.getUserOrFail()
    user.fullName = fullName
    await user.save()
    session.flash('success', i18n.t('pages.profile.name_saved'))
    return response.redirect().back()
  }

  /**
   * Changes the password once the current one is confirmed. This session
   * stays signed in under a new id, and every other one is signed out.
   */
  async updatePassword(ctx: HttpContext) {
    const { request, response, auth, session, i18n, logger, memberships } = ctx
    const { currentPassword, password } = await request.validateUsing(changePasswordValidator)
    const user = auth.getUserOrFail()
    const passwordLimiter = limiter.use({
      requests: WRONG_PASSWORDS_PER_MINUTE,
      duration: '1 minute',
    })
    const key = `password_change:${user.id}`
    const attempt = await guardedAttempt(
      passwordLimiter,
      key,
      () => user.verifyPassword(currentPassword),
      (matches) => matches
    )
    if (attempt.blocked) {
      logger.warn({ userId: user.id }, 'password change rate limited')
      return rejectThrottled(ctx, {
        field: 'currentPassword',
        message: i18n.t('pages.profile.password_throttled', {
          wait: waitText(i18n, attempt.availableIn),
        }),
        availableIn: attempt.availableIn,
      })
    }
    if (!attempt.value) {
      throw currentPasswordError(i18n.t('pages.profile.current_password_wrong'))
    }

    await changePassword(user, password)
    // Audited in every workspace of the account, because its sessions there were signed out.
    for (const membership of memberships) {
      await recordAuditIn(membership.tenantId, 'account.password_changed', {
        targetType: 'user',
        targetId: user.id,
      })
    }
    session.regenerate()
    stampSessionVersion(session, user)
    logger.info({ userId: user.id }, 'password changed')
    session.flash('success', i18n.t('pages.profile.password_changed'))
    return response.redirect().back()
  }

  /**
   * Makes another tenant of the user's the current one. A tenant the user is
   * not a member of answers 404, like any other tenant's resource.
   */
  async switchTenant({ request, response, auth, memberships, logger }: HttpContext) {
    const { tenantId } = await request.validateUsing(tenantSwitchValidator)
    if (!memberships.some((membership) => membership.tenantId === tenantId)) {
      return response.notFound()
    }
    const user = auth.getUserOrFail()
    user.currentTenantId = tenantId
    await user.save()
    logger.info({ toTenantId: tenantId }, 'tenant switched')
    return response.redirect('/')
  }
}

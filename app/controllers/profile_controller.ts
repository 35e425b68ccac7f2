import type { HttpContext } from '@adonisjs/core/http'
import { localeValidator, tenantSwitchValidator } from '#validators/members'

export default class ProfileController {
  async show({ inertia }: HttpContext) {
    return inertia.render('profile', {})
  }

  async updateLocale({ request, response, auth }: HttpContext) {
    const { locale } = await request.validateUsing(localeValidator)
    const user = auth.getUserOrFail()
    user.locale = locale === 'auto' ? null : locale
    await user.save()
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

import type { HttpContext } from '@adonisjs/core/http'
import { signUpValidator } from '#validators/auth'
import { signUp } from '#services/account_service'

export default class SignUpController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/signup', {})
  }

  async store({ request, response, auth, i18n, logger }: HttpContext) {
    const payload = await request.validateUsing(signUpValidator)
    const { user, tenant } = await signUp({ ...payload, workspaceLocale: i18n.locale })

    await auth.use('web').login(user)
    logger.info({ userId: user.id, tenantId: tenant.id }, 'tenant signed up')
    return response.redirect('/')
  }
}

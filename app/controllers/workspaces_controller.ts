import type { HttpContext } from '@adonisjs/core/http'
import { WORKSPACE_COUNTRIES, workspaceValidator } from '#validators/workspaces'
import { createWorkspace } from '#services/account_service'
import { recordAuditIn } from '#events/audit_record'

/**
 * "New workspace": a signed-in member opens another tenant, such as one per
 * client business of an agency, without a second account.
 */
export default class WorkspacesController {
  async create({ inertia, tenant }: HttpContext) {
    return inertia.render('workspaces/new', {
      defaults: { defaultCountry: tenant.defaultCountry, timezone: tenant.timezone },
      countries: WORKSPACE_COUNTRIES,
    })
  }

  async store({ request, response, auth, session, i18n, logger }: HttpContext) {
    const input = await request.validateUsing(workspaceValidator)
    const tenant = await createWorkspace(auth.getUserOrFail(), { ...input, locale: i18n.locale })

    logger.info({ newTenantId: tenant.id }, 'workspace created')
    await recordAuditIn(tenant.id, 'workspace.created', {
      targetType: 'tenant',
      targetId: tenant.id,
      after: input,
    })
    session.flash('success', i18n.t('workspaces.created', { name: tenant.name }))
    return response.redirect('/')
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import {
  WORKSPACE_COUNTRIES,
  WORKSPACE_FIELD_NAMES,
  workspaceValidator,
} from '#validators/workspaces'
import { validationMessages } from '#middleware/detect_user_locale_middleware'
import { createWorkspace } from '#services/account_service'
import { recordAuditIn } from '#events/audit_record'
import { liveMemberships } from '#services/workspaces/workspace_exit'

/** The columns' defaults, for a member who has no workspace to copy them from. */
const FIRST_WORKSPACE_DEFAULTS = { defaultCountry: 'BR', timezone: 'America/Sao_Paulo' }

/**
 * "New workspace": a signed-in member opens another tenant, such as one per
 * client business of an agency, without a second account. An account that
 * belongs to no tenant any more, because it left or lost the last one,
 * creates one on the start page.
 */
export default class WorkspacesController {
  async start({ inertia, response, auth }: HttpContext) {
    const memberships = await liveMemberships(auth.getUserOrFail().id)
    if (memberships.length > 0) {
      return response.redirect('/')
    }
    return inertia.render('workspaces/start', {
      defaults: FIRST_WORKSPACE_DEFAULTS,
      countries: WORKSPACE_COUNTRIES,
    })
  }

  async create({ inertia, tenant }: HttpContext) {
    return inertia.render('workspaces/new', {
      defaults: { defaultCountry: tenant.defaultCountry, timezone: tenant.timezone },
      countries: WORKSPACE_COUNTRIES,
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, auth, session, i18n, logger } = ctx
    const input = await request.validateUsing(workspaceValidator, {
      messagesProvider: validationMessages(ctx, WORKSPACE_FIELD_NAMES),
    })
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

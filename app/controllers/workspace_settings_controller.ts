import type { HttpContext } from '@adonisjs/core/http'
import { WORKSPACE_COUNTRIES, workspaceValidator } from '#validators/workspaces'
import { forgetTenantQuietHours } from '#engine/quiet_policy'
import { recordAudit } from '#events/audit_record'

type WorkspaceFields = { name: string; defaultCountry: string; timezone: string }

/** Returns the fields whose value changes, before and after. */
function changedFields(before: WorkspaceFields, after: WorkspaceFields) {
  const keys = (Object.keys(after) as (keyof WorkspaceFields)[]).filter(
    (key) => before[key] !== after[key]
  )
  return {
    before: Object.fromEntries(keys.map((key) => [key, before[key]])),
    after: Object.fromEntries(keys.map((key) => [key, after[key]])),
  }
}

/**
 * Settings > Workspace: the tenant's name, the country that phone numbers
 * without a country code belong to, and the time zone of contacts without
 * one of their own. Every member reads them, owners and admins change them.
 */
export default class WorkspaceSettingsController {
  async edit({ inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    return inertia.render('settings/workspace', {
      workspace: {
        name: tenant.name,
        defaultCountry: tenant.defaultCountry,
        timezone: tenant.timezone,
      },
      countries: WORKSPACE_COUNTRIES,
      canManage: await bouncer.allows('manageTenant'),
    })
  }

  async update({ request, response, bouncer, tenant, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const input = await request.validateUsing(workspaceValidator)
    const changes = changedFields(
      { name: tenant.name, defaultCountry: tenant.defaultCountry, timezone: tenant.timezone },
      input
    )
    if (Object.keys(changes.after).length === 0) {
      session.flash('success', i18n.t('workspaces.saved'))
      return response.redirect().back()
    }

    tenant.merge(input)
    await tenant.save()
    // The cached quiet-hours policy carries the tenant's time zone too.
    forgetTenantQuietHours(tenant.id)
    await recordAudit('settings.workspace_changed', {
      targetType: 'tenant',
      targetId: tenant.id,
      ...changes,
    })
    logger.info({ fields: Object.keys(changes.after) }, 'workspace settings changed')
    session.flash('success', i18n.t('workspaces.saved'))
    return response.redirect().back()
  }
}

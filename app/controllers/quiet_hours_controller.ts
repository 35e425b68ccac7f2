import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import type { TenantQuietHours } from '#models/tenant'
import type { IsoWeekday } from '#sdk'
import { quietHoursValidator } from '#validators/quiet_hours'
import { quietHoursChanged } from '#engine/quiet_reevaluation'
import { recordAudit } from '#events/audit_record'

/**
 * Settings > Quiet hours: the tenant's policy, which every campaign that
 * keeps the tenant's quiet hours follows. Every member reads it, owners and
 * admins change it.
 */
export default class QuietHoursController {
  async edit({ inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    return inertia.render('settings/quiet_hours', {
      quietHours: tenant.quietHours,
      timeZone: tenant.timezone,
      canManage: await bouncer.allows('manageTenant'),
    })
  }

  async update({ request, response, bouncer, tenant, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const input = await request.validateUsing(quietHoursValidator)
    const before = tenant.quietHours
    const quietHours: TenantQuietHours | null = input.enabled
      ? {
          days: [...input.days!].sort((a, b) => a - b) as IsoWeekday[],
          start: input.start!,
          end: input.end!,
          basis: input.basis!,
        }
      : null
    if (quietHours && quietHours.start === quietHours.end) {
      // A validation error of the field, so the form shows it under the end time.
      throw new vineErrors.E_VALIDATION_ERROR([
        { field: 'end', message: i18n.t('quiet_hours.errors.empty_window'), rule: 'emptyWindow' },
      ])
    }

    tenant.quietHours = quietHours
    await tenant.save()
    await quietHoursChanged({ tenantId: tenant.id, campaignId: null })
    await recordAudit('settings.quiet_hours_changed', {
      targetType: 'tenant',
      targetId: tenant.id,
      before: { quietHours: before },
      after: { quietHours },
    })
    logger.info({ enabled: quietHours !== null }, 'tenant quiet hours changed')
    session.flash('success', i18n.t('quiet_hours.saved'))
    return response.redirect().back()
  }
}

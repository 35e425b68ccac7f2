import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import {
  WORKSPACE_COUNTRIES,
  WORKSPACE_FIELD_NAMES,
  workspaceDeletionValidator,
  workspaceValidator,
} from '#validators/workspaces'
import { validationMessages } from '#middleware/detect_user_locale_middleware'
import { quietHoursChanged } from '#engine/quiet_reevaluation'
import { recordAudit } from '#events/audit_record'
import Membership from '#models/membership'
import type User from '#models/user'
import { closeRevokedStreamsSoon } from '#services/realtime/stream_access'
import {
  LastOwnerException,
  leaveTenant,
  markTenantForDeletion,
  switchToRemainingTenant,
} from '#services/workspaces/workspace_exit'
import { enqueueTenantDeletion } from '#services/workspaces/workspace_deletion'
import { deletionOfTenant } from '#services/workspaces/deletion_records'

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

/** Returns where a member goes once a tenant is gone for them: another of theirs, or the page that creates one. */
async function leaveFor(user: User) {
  const next = await switchToRemainingTenant(user)
  return next ? '/' : '/workspaces/start'
}

/**
 * Settings > Workspace: the tenant's name, the country that phone numbers
 * without a country code belong to, and the time zone of contacts without
 * one of their own. Every member reads them, owners and admins change them.
 * Any member may leave the tenant but its last owner, and only an owner
 * may delete it.
 */
export default class WorkspaceSettingsController {
  async edit({ inertia, bouncer, tenant, membership }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const owners = await Membership.query().where('role', 'owner').count('* as total').first()
    return inertia.render('settings/workspace', {
      workspace: {
        name: tenant.name,
        defaultCountry: tenant.defaultCountry,
        timezone: tenant.timezone,
      },
      countries: WORKSPACE_COUNTRIES,
      canManage: await bouncer.allows('manageTenant'),
      canDelete: await bouncer.allows('deleteTenant'),
      isLastOwner: membership.role === 'owner' && Number(owners?.$extras.total ?? 0) <= 1,
    })
  }

  async update(ctx: HttpContext) {
    const { request, response, bouncer, tenant, session, i18n, logger } = ctx
    await bouncer.authorize('manageTenant')
    const input = await request.validateUsing(workspaceValidator, {
      messagesProvider: validationMessages(ctx, WORKSPACE_FIELD_NAMES),
    })
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
    if (changes.after.timezone !== undefined) {
      // The tenant's quiet hours may be read in its time zone, so a new zone moves them.
      await quietHoursChanged({ tenantId: tenant.id, campaignId: null })
    }
    await recordAudit('settings.workspace_changed', {
      targetType: 'tenant',
      targetId: tenant.id,
      ...changes,
    })
    logger.info({ fields: Object.keys(changes.after) }, 'workspace settings changed')
    session.flash('success', i18n.t('workspaces.saved'))
    return response.redirect().back()
  }

  /**
   * Ends the member's own membership. Their open event streams of the
   * tenant close, and they continue in another tenant of theirs.
   */
  async leave({ response, auth, tenant, session, i18n, logger }: HttpContext) {
    const user = auth.getUserOrFail()
    let membership: Membership
    try {
      membership = await leaveTenant(user, tenant)
    } catch (error) {
      if (!(error instanceof LastOwnerException)) {
        throw error
      }
      session.flashErrors({
        E_LAST_OWNER: i18n.t('workspaces.leave_last_owner', { name: tenant.name }),
      })
      return response.redirect().back()
    }

    logger.info({ membershipId: membership.id, role: membership.role }, 'member left workspace')
    closeRevokedStreamsSoon()
    await recordAudit('member.left', {
      targetType: 'membership',
      targetId: membership.id,
      before: { userId: user.id, role: membership.role },
    })
    session.flash('success', i18n.t('workspaces.left', { name: tenant.name }))
    return response.redirect(await leaveFor(user))
  }

  /**
   * Deletes the tenant once the owner typed its name. Its members lose
   * access at once, and a background job stops its campaigns and numbers
   * and deletes its data. The audit log goes with the tenant, so the
   * request is recorded on the deletion's own record and in the
   * application log. The owner goes on to the deletion's progress page.
   */
  async destroy({ request, response, auth, bouncer, tenant, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('deleteTenant')
    const { confirmName } = await request.validateUsing(workspaceDeletionValidator)
    if (confirmName !== tenant.name) {
      throw new vineErrors.E_VALIDATION_ERROR([
        {
          field: 'confirmName',
          message: i18n.t('workspaces.delete_name_mismatch', { name: tenant.name }),
          rule: 'confirmName',
        },
      ])
    }

    const user = auth.getUserOrFail()
    const marked = await markTenantForDeletion(tenant, user)
    const deletion = marked?.deletion ?? (await deletionOfTenant(tenant.id))
    logger.warn(
      {
        deletionId: deletion?.id ?? null,
        tenantName: tenant.name,
        memberIds: marked?.memberIds ?? null,
        alreadyMarked: marked === null,
      },
      'workspace deletion requested'
    )
    closeRevokedStreamsSoon()
    try {
      await enqueueTenantDeletion(tenant.id)
    } catch (error) {
      // The tenant is marked, so the periodic sweep of the worker queues it again.
      logger.error({ err: error }, 'workspace deletion not queued, left to the next sweep')
    }
    session.flash('success', i18n.t('workspaces.deleting', { name: tenant.name }))
    if (!deletion) {
      return response.redirect(await leaveFor(user))
    }
    return response.redirect(`/workspaces/deletions/${deletion.id}`)
  }
}

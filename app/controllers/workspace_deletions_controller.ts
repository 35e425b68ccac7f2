import type { HttpContext } from '@adonisjs/core/http'
import { deletionSeenBy, serializeDeletion } from '#services/workspaces/deletion_records'
import { liveMemberships, switchToRemainingTenant } from '#services/workspaces/workspace_exit'

/**
 * The progress page of a workspace deletion, for the members the
 * workspace had when the deletion was requested, and the way on from it
 * into another workspace of theirs.
 */
export default class WorkspaceDeletionsController {
  async show({ params, inertia, auth, response }: HttpContext) {
    const user = auth.getUserOrFail()
    const deletion = await deletionSeenBy(user.id, Number(params.id))
    if (!deletion) {
      return response.notFound()
    }
    const memberships = await liveMemberships(user.id)
    const next =
      memberships.find((membership) => membership.tenantId === user.currentTenantId) ??
      memberships[0]
    return inertia.render('workspaces/deletion', {
      deletion: serializeDeletion(deletion),
      next: next ? { name: next.tenant.name } : null,
    })
  }

  /**
   * Moves the member on from a workspace being deleted, or deleted: into
   * another workspace of theirs, or to the page that creates one.
   */
  async continue({ params, auth, response, session, i18n, logger }: HttpContext) {
    const user = auth.getUserOrFail()
    const deletion = await deletionSeenBy(user.id, Number(params.id))
    if (!deletion) {
      return response.notFound()
    }
    const memberships = await liveMemberships(user.id)
    const current = memberships.find((membership) => membership.tenantId === user.currentTenantId)
    const next = current?.tenant ?? (await switchToRemainingTenant(user))
    logger.info(
      { userId: user.id, deletionId: deletion.id, tenantId: next?.id ?? null },
      'member moved on from a deleted workspace'
    )
    if (deletion.status === 'finished') {
      session.flash('success', i18n.t('workspaces.deleted', { name: deletion.workspaceName }))
    }
    return response.redirect(next ? '/' : '/workspaces/start')
  }
}

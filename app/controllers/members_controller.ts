import type { HttpContext } from '@adonisjs/core/http'
import Membership from '#models/membership'
import Invitation from '#models/invitation'
import MembershipPolicy from '#policies/membership_policy'
import { roleValidator } from '#validators/members'
import { recordAudit } from '#events/audit_record'
import { closeRevokedStreamsSoon } from '#services/realtime/stream_access'
import { invitationLink } from '#services/invitation_service'
import { usableTokensByCreator, usableTokensCreatedBy } from '#services/api/api_tokens'

/**
 * Returns the link of a pending invitation for a member who may invite
 * with its role, so an owner or admin can pass it on when the mail does not
 * arrive. Expired invitations and those made before the token was stored
 * have none.
 */
async function copyableLink(invitation: Invitation, bouncer: HttpContext['bouncer']) {
  if (
    !invitation.isPending ||
    !(await bouncer.with(MembershipPolicy).allows('invite', invitation.role))
  ) {
    return null
  }
  const token = invitation.readToken()
  return token ? invitationLink(token) : null
}

export default class MembersController {
  async index({ inertia, bouncer }: HttpContext) {
    const members = await Membership.query().preload('user').orderBy('id')
    const tokens = await usableTokensByCreator(members.map((member) => member.userId))
    const invitations = await Invitation.query()
      .whereNull('accepted_at')
      .orderBy('created_at', 'desc')

    return inertia.render('settings/members', {
      canManage: await bouncer.allows('manageMembers'),
      members: members.map((member) => ({
        id: member.id,
        userId: member.userId,
        name: member.user.fullName,
        email: member.user.email,
        role: member.role,
        /** API tokens the member created that still work, which removing them keeps. */
        usableTokens: tokens.get(member.userId) ?? 0,
      })),
      invitations: await Promise.all(
        invitations.map(async (invitation) => ({
          id: invitation.id,
          email: invitation.email,
          role: invitation.role,
          expiresAt: invitation.expiresAt.toISO(),
          expired: !invitation.isPending,
          link: await copyableLink(invitation, bouncer),
        }))
      ),
    })
  }

  async update({ params, request, response, bouncer, session, i18n, logger }: HttpContext) {
    const membership = await Membership.findOrFail(params.id)
    const { role } = await request.validateUsing(roleValidator)
    await bouncer.with(MembershipPolicy).authorize('update', membership, role)

    const previous = membership.role
    membership.role = role
    await membership.save()
    logger.info({ membershipId: membership.id, previous, role }, 'member role changed')
    closeRevokedStreamsSoon()
    await recordAudit('member.role_changed', {
      targetType: 'membership',
      targetId: membership.id,
      before: { role: previous },
      after: { role },
    })
    session.flash('success', i18n.t('settings.members.role_changed'))
    return response.redirect().back()
  }

  async destroy({ params, response, bouncer, session, i18n, logger }: HttpContext) {
    const membership = await Membership.findOrFail(params.id)
    await bouncer.with(MembershipPolicy).authorize('delete', membership)
    await membership.delete()
    logger.info({ membershipId: membership.id }, 'member removed')
    closeRevokedStreamsSoon()
    await recordAudit('member.removed', {
      targetType: 'membership',
      targetId: membership.id,
      before: { userId: membership.userId, role: membership.role },
    })
    // Tokens belong to the workspace and keep working: the admin learns which to review.
    const tokens = await usableTokensCreatedBy(membership.userId)
    session.flash(
      'success',
      tokens > 0
        ? i18n.t('settings.members.removed_with_tokens', { count: tokens })
        : i18n.t('settings.members.removed')
    )
    return response.redirect().back()
  }
}

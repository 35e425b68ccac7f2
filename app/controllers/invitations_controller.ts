import type { HttpContext } from '@adonisjs/core/http'
import Invitation from '#models/invitation'
import User from '#models/user'
import MembershipPolicy from '#policies/membership_policy'
import { inviteValidator } from '#validators/members'
import { acceptInvitationValidator } from '#validators/auth'
import { acceptInvitation, findPendingInvitation, inviteMember } from '#services/invitation_service'
import { recordAudit } from '#events/audit_record'

export default class InvitationsController {
  async store({ request, response, bouncer, tenant, auth, session, i18n, logger }: HttpContext) {
    const { email, role } = await request.validateUsing(inviteValidator)
    await bouncer.with(MembershipPolicy).authorize('invite', role)
    // A new invitation replaces the address's pending one, which the member must be allowed to revoke.
    const pending = await Invitation.query()
      .where('email', email.toLowerCase())
      .whereNull('accepted_at')
      .first()
    if (pending) {
      await bouncer.with(MembershipPolicy).authorize('invite', pending.role)
    }

    const invitation = await inviteMember(tenant, auth.getUserOrFail(), email, role, (key, data) =>
      i18n.t(key, data)
    )
    logger.info({ invitationId: invitation.id, role }, 'member invited')
    await recordAudit('member.invited', {
      targetType: 'invitation',
      targetId: invitation.id,
      after: { email, role },
    })
    session.flash('success', i18n.t('settings.members.invited', { email }))
    return response.redirect().back()
  }

  async destroy({ params, response, bouncer, session, i18n, logger }: HttpContext) {
    const invitation = await Invitation.findOrFail(params.id)
    await bouncer.with(MembershipPolicy).authorize('invite', invitation.role)
    await invitation.delete()
    logger.info({ invitationId: invitation.id }, 'invitation revoked')
    await recordAudit('invitation.revoked', {
      targetType: 'invitation',
      targetId: invitation.id,
      before: { email: invitation.email, role: invitation.role },
    })
    session.flash('success', i18n.t('settings.members.invitation_revoked'))
    return response.redirect().back()
  }

  async show({ params, inertia, auth }: HttpContext) {
    const invitation = await findPendingInvitation(params.token)
    const existingUser = await User.findBy('email', invitation.email)
    return inertia.render('auth/accept_invitation', {
      token: params.token,
      email: invitation.email,
      tenantName: invitation.tenant.name,
      role: invitation.role,
      hasAccount: Boolean(existingUser),
      signedInAs: auth.user?.email ?? null,
    })
  }

  async accept({ params, request, response, auth, session, i18n, logger }: HttpContext) {
    const invitation = await findPendingInvitation(params.token)
    let user = auth.user?.email === invitation.email ? auth.user : null

    if (!user) {
      const existing = await User.findBy('email', invitation.email)
      if (existing) {
        session.flash('success', i18n.t('auth.invitation_sign_in'))
        return response.redirect(`/login?next=/invitations/${params.token}`)
      }
      const payload = await request.validateUsing(acceptInvitationValidator)
      user = await User.create({ ...payload, email: invitation.email, locale: i18n.locale })
    }

    await acceptInvitation(invitation, user)
    await auth.use('web').login(user)
    logger.info({ invitationId: invitation.id, userId: user.id }, 'invitation accepted')
    return response.redirect('/')
  }
}

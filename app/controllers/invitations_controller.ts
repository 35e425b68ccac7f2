import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import Invitation from '#models/invitation'
import Membership from '#models/membership'
import User from '#models/user'
import MembershipPolicy from '#policies/membership_policy'
import { inviteValidator } from '#validators/members'
import { acceptInvitationValidator } from '#validators/auth'
import {
  acceptInvitation,
  findPendingInvitation,
  inviteMember,
  membershipOf,
} from '#services/invitation_service'
import { recordAudit } from '#events/audit_record'

export default class InvitationsController {
  async store({ request, response, bouncer, tenant, auth, session, i18n, logger }: HttpContext) {
    const { email, role } = await request.validateUsing(inviteValidator)
    await bouncer.with(MembershipPolicy).authorize('invite', role)
    const member = await User.findBy('email', email.toLowerCase())
    const membership = member ? await Membership.query().where('user_id', member.id).first() : null
    if (member && membership) {
      const roleName = i18n.t(`roles.${membership.role}`)
      const message = member.fullName
        ? i18n.t('settings.members.already_member_named', {
            name: member.fullName,
            email: member.email,
            role: roleName,
          })
        : i18n.t('settings.members.already_member', { email: member.email, role: roleName })
      throw new vineErrors.E_VALIDATION_ERROR([{ field: 'email', message, rule: 'notMember' }])
    }
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
    const membership = existingUser ? await membershipOf(invitation.tenantId, existingUser) : null
    return inertia.render('auth/accept_invitation', {
      token: params.token,
      email: invitation.email,
      tenantName: invitation.tenant.name,
      role: invitation.role,
      hasAccount: Boolean(existingUser),
      memberRole: membership?.role ?? null,
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
      // No fixed locale, so the new member's pages follow their browser until they pick one.
      user = await User.create({ ...payload, email: invitation.email, locale: null })
    }

    const { joined, role } = await acceptInvitation(invitation, user)
    await auth.use('web').login(user)
    if (!joined) {
      // The member keeps the role they had, and the invitation is spent so it leaves the pending list.
      logger.info(
        { invitationId: invitation.id, userId: user.id },
        'invitation opened by an existing member'
      )
      session.flash(
        'success',
        i18n.t('auth.invitation_already_member', {
          tenant: invitation.tenant.name,
          role: i18n.t(`roles.${role}`),
        })
      )
      return response.redirect('/')
    }
    logger.info({ invitationId: invitation.id, userId: user.id }, 'invitation accepted')
    return response.redirect('/')
  }
}

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import { Exception } from '@adonisjs/core/exceptions'
import Invitation from '#models/invitation'
import Membership from '#models/membership'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import { generateToken, hashToken } from '#services/secure_token'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import { appUrl } from '#config/app'
import type { Role } from '#tenancy/roles'

/** Days an invitation link stays valid. */
export const INVITATION_TTL_DAYS = 7

export class InvitationInvalidException extends Exception {
  static status = 404
  static code = 'E_INVITATION_INVALID'
}

/**
 * Invites `email` into the current tenant with `role` and mails the link.
 * Inviting an address again replaces its pending invitation.
 */
export async function inviteMember(
  tenant: Tenant,
  inviter: User,
  email: string,
  role: Role,
  translate: (key: string, data?: Record<string, unknown>) => string
) {
  const address = email.toLowerCase()
  const { token, hash } = generateToken()

  const invitation = await db.transaction(async (trx) => {
    await Invitation.query({ client: trx })
      .where('email', address)
      .whereNull('accepted_at')
      .delete()
    const created = new Invitation().fill({
      email: address,
      role,
      tokenHash: hash,
      invitedById: inviter.id,
      expiresAt: DateTime.utc().plus({ days: INVITATION_TTL_DAYS }),
    })
    created.sealToken(token)
    return created.useTransaction(trx).save()
  })

  const link = invitationLink(token)
  await mail.send((message) => {
    message
      .to(address)
      .subject(translate('mail.invitation.subject', { tenant: tenant.name }))
      .text(
        translate('mail.invitation.body', {
          inviter: inviter.fullName ?? inviter.email,
          tenant: tenant.name,
          role: translate(`roles.${role}`),
          link,
          days: INVITATION_TTL_DAYS,
        })
      )
  })
  return invitation
}

/** Returns the address at which the invitee accepts an invitation. */
export function invitationLink(token: string) {
  return `${appUrl}/invitations/${token}`
}

/**
 * Finds the pending invitation behind a token, across tenants, or throws.
 */
export async function findPendingInvitation(token: string) {
  const invitation = await runAsSystem(() =>
    Invitation.query().where('token_hash', hashToken(token)).preload('tenant').first()
  )
  if (!invitation || !invitation.isPending) {
    throw new InvitationInvalidException(
      'This invitation link is invalid, used or expired. Ask for a new invitation'
    )
  }
  return invitation
}

/** Returns `user`'s membership in the tenant `tenantId`, or `null` when they are not a member. */
export function membershipOf(tenantId: number, user: User) {
  return runInTenant(tenantId, () => Membership.query().where('user_id', user.id).first())
}

/**
 * Accepts an invitation for `user`: adds the membership, or keeps the one
 * the user already has with its role, marks the invitation used and makes
 * its tenant the user's current one. Returns whether the user joined and
 * the role they have in the tenant now.
 */
export async function acceptInvitation(invitation: Invitation, user: User) {
  return runInTenant(invitation.tenantId, () =>
    db.transaction(async (trx) => {
      const existing = await Membership.query({ client: trx }).where('user_id', user.id).first()
      if (!existing) {
        await Membership.create({ userId: user.id, role: invitation.role }, { client: trx })
      }
      invitation.useTransaction(trx)
      invitation.acceptedAt = DateTime.utc()
      await invitation.save()
      user.useTransaction(trx)
      user.currentTenantId = invitation.tenantId
      await user.save()
      return { joined: !existing, role: existing?.role ?? invitation.role }
    })
  )
}

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import logger from '@adonisjs/core/services/logger'
import { Exception } from '@adonisjs/core/exceptions'
import User from '#models/user'
import PasswordResetToken from '#models/password_reset_token'
import { generateToken, hashToken } from '#services/secure_token'
import { appUrl } from '#config/app'
import { replacePassword } from '#services/password_change_service'
import { closeRevokedStreamsSoon } from '#services/realtime/stream_access'

/** Minutes a password-reset link stays valid. */
export const RESET_TTL_MINUTES = 60

export class ResetTokenInvalidException extends Exception {
  static status = 400
  static code = 'E_RESET_TOKEN_INVALID'
}

/**
 * Mails a single-use reset link when `email` belongs to a user. The caller
 * answers the same either way, so the form does not reveal who has an account.
 */
export async function requestPasswordReset(
  email: string,
  translate: (key: string, data?: Record<string, unknown>) => string
) {
  const user = await User.findBy('email', email.toLowerCase())
  if (!user) {
    logger.info('password reset requested for an unknown address')
    return
  }

  const { token, hash } = generateToken()
  await PasswordResetToken.create({
    userId: user.id,
    tokenHash: hash,
    expiresAt: DateTime.utc().plus({ minutes: RESET_TTL_MINUTES }),
  })

  const link = `${appUrl}/reset-password/${token}`
  await mail.send((message) => {
    message
      .to(user.email)
      .subject(translate('mail.reset.subject'))
      .text(translate('mail.reset.body', { link, minutes: RESET_TTL_MINUTES }))
  })
  logger.info({ userId: user.id }, 'password reset link sent')
}

/**
 * Returns the token row when the link is still usable, else throws.
 */
export async function findUsableResetToken(token: string) {
  const row = await PasswordResetToken.findBy('token_hash', hashToken(token))
  if (!row || row.usedAt || row.expiresAt <= DateTime.utc()) {
    throw new ResetTokenInvalidException(
      'This password-reset link is invalid, used or expired. Request a new one'
    )
  }
  return row
}

/**
 * Sets the new password, signs out the user's sessions and spends the token,
 * plus every other open token of that user, in one transaction.
 */
export async function resetPassword(token: string, password: string) {
  const row = await findUsableResetToken(token)
  const user = await db.transaction(async (trx) => {
    const found = await User.findOrFail(row.userId, { client: trx })
    // Signs out every session of the account, which may be someone else's.
    await replacePassword(found, password, trx)
    logger.info({ userId: found.id }, 'password reset')
    return found
  })
  closeRevokedStreamsSoon()
  return user
}

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type User from '#models/user'
import PasswordResetToken from '#models/password_reset_token'
import { closeRevokedStreamsSoon } from '#services/realtime/stream_access'

/**
 * Sets `user`'s new password inside `trx` and increments the session
 * version, so every session of the account started before is signed out on
 * its next request. It also spends the account's open password-reset links.
 * `user` must have been read through `trx`, or joined to it.
 */
export async function replacePassword(
  user: User,
  password: string,
  trx: TransactionClientContract
) {
  user.password = password
  user.sessionVersion = (user.sessionVersion ?? 0) + 1
  await user.save()
  await PasswordResetToken.query({ client: trx })
    .where('user_id', user.id)
    .whereNull('used_at')
    .update({ usedAt: DateTime.utc().toSQL({ includeOffset: false }) })
}

/**
 * Sets a signed-in user's new password with `replacePassword`. The caller
 * stamps the session that made the change, which stays signed in.
 */
export async function changePassword(user: User, password: string) {
  await db.transaction(async (trx) => {
    user.useTransaction(trx)
    await replacePassword(user, password, trx)
  })
  closeRevokedStreamsSoon()
}

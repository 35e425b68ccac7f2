import type { Session } from '@adonisjs/session'
import type User from '#models/user'

/** Session key of the `users.session_version` value the session started with. */
export const SESSION_VERSION_KEY = 'auth_session_version'

/**
 * Stores the user's current session version in `session`, at sign-in and
 * after a password change keeps the session that made it.
 */
export function stampSessionVersion(session: Session, user: User) {
  session.put(SESSION_VERSION_KEY, user.sessionVersion ?? 0)
}

/**
 * Tells whether `session` started after the user's last password change. A
 * session without a stamp counts as version 0, the value every account
 * starts with, so it ends at the first password change.
 */
export function isSessionCurrent(session: Session, user: User) {
  return Number(session.get(SESSION_VERSION_KEY, 0)) === (user.sessionVersion ?? 0)
}

/**
 * Listeners of the framework's events that the core needs in every process
 * that serves HTTP.
 */
import emitter from '@adonisjs/core/services/emitter'
import type User from '#models/user'
import { stampSessionVersion } from '#services/session_version'

// Every sign-in (login form, sign-up, accepted invitation) stamps the new
// session, so a later password change can end it.
emitter.on('session_auth:login_succeeded', ({ ctx, user }) => {
  stampSessionVersion(ctx.session, user as User)
})

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { defineJob } from '#queues/job_registry'

/**
 * Deletes password-reset tokens and invitations whose time ran out. Runs on
 * the maintenance queue every hour.
 */
export default defineJob({
  queue: 'maintenance',
  name: 'purge-expired-tokens',
  concurrency: 1,
  schedule: { every: 60 * 60 * 1000 },
  async handle() {
    const now = DateTime.utc().toSQL({ includeOffset: false })
    const tokens = await db.from('password_reset_tokens').where('expires_at', '<', now).delete()
    const invitations = await db
      .from('invitations')
      .whereNull('accepted_at')
      .where('expires_at', '<', now)
      .delete()
    logger.info({ tokens, invitations }, 'purged expired tokens')
    return { tokens, invitations }
  },
})

import logger from '@adonisjs/core/services/logger'
import { defineJob } from '#queues/job_registry'
import { startDueCampaigns } from '#services/campaigns/campaign_states'

/**
 * Starts scheduled campaigns whose start time has come. Runs on the
 * maintenance queue every 30 seconds, so a campaign starts at most about
 * that late.
 */
export default defineJob({
  queue: 'maintenance',
  name: 'start-scheduled-campaigns',
  concurrency: 1,
  schedule: { every: 30 * 1000 },
  async handle() {
    const started = await startDueCampaigns()
    if (started.length > 0) {
      logger.info({ campaignIds: started }, 'started scheduled campaigns')
    }
    return { started }
  },
})

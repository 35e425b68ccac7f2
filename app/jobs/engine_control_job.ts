import { defineJob } from '#queues/job_registry'
import { runInTenant } from '#tenancy/tenant_context'
import { CONTROL_QUEUE, PROGRESS_QUEUE } from '#engine/engine_queues'
import { enrollCampaign, type EnrollmentJobData } from '#engine/enrollment'
import { cancelCampaignJourneys, resumeCampaignJourneys } from '#engine/campaign_control'
import { routeReply } from '#engine/reply_router'
import { publishProgress, recordPublicationCost } from '#engine/campaign_progress'
import { reevaluateQuietHolds, type QuietHoursChange } from '#engine/quiet_reevaluation'

interface CampaignJobData {
  tenantId: number
  campaignId: number
}

/** Enrolls a started campaign's audience. */
export const enrollJob = defineJob<EnrollmentJobData>({
  queue: CONTROL_QUEUE,
  name: 'enroll',
  concurrency: 5,
  defaults: { attempts: 10, backoff: { type: 'exponential', delay: 1000 } },
  handle: (job) => runInTenant(job.data.tenantId, () => enrollCampaign(job)),
})

/** Releases the journeys a paused campaign held. */
export const resumeJob = defineJob<CampaignJobData>({
  queue: CONTROL_QUEUE,
  name: 'resume',
  defaults: { attempts: 10, backoff: { type: 'exponential', delay: 1000 } },
  handle: ({ data }) =>
    runInTenant(data.tenantId, () => resumeCampaignJourneys(data.tenantId, data.campaignId)),
})

/** Ends the journeys of a cancelled campaign. */
export const cancelJob = defineJob<CampaignJobData>({
  queue: CONTROL_QUEUE,
  name: 'cancel',
  defaults: { attempts: 10, backoff: { type: 'exponential', delay: 1000 } },
  handle: ({ data }) =>
    runInTenant(data.tenantId, () => cancelCampaignJourneys(data.tenantId, data.campaignId)),
})

/** Checks again what waits for quiet hours to end, after a change of the quiet hours. */
export const quietHoursJob = defineJob<QuietHoursChange>({
  queue: CONTROL_QUEUE,
  name: 'quiet-hours',
  defaults: { attempts: 10, backoff: { type: 'exponential', delay: 1000 } },
  handle: ({ data }) => runInTenant(data.tenantId, () => reevaluateQuietHolds(data)),
})

/** Resumes the journeys parked for a reply from an inbound message's sender. */
export const replyJob = defineJob<{ tenantId: number; messageId: number }>({
  queue: CONTROL_QUEUE,
  name: 'reply',
  defaults: { attempts: 10, backoff: { type: 'exponential', delay: 500 } },
  handle: ({ data }) => runInTenant(data.tenantId, () => routeReply(data.messageId)),
})

/** Computes, stores and broadcasts a campaign's progress. */
export const progressJob = defineJob<CampaignJobData>({
  queue: PROGRESS_QUEUE,
  name: 'publish',
  concurrency: 5,
  handle: ({ data }) =>
    runInTenant(data.tenantId, async () => {
      const started = performance.now()
      await publishProgress(data.tenantId, data.campaignId)
      recordPublicationCost(data.campaignId, performance.now() - started)
      return 'published'
    }),
})

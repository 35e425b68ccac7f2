import type { Job } from 'bullmq'
import db from '@adonisjs/lucid/services/db'
import { getQueue } from '#queues/queue_factory'
import { outboundQueueName, type OutboundJobData } from '#services/channels/outbound_queue'
import { releasePaceSlots } from '#engine/pacing'

/** Delayed jobs read from an outbound queue at a time. */
const DELAYED_PAGE = 500

/** Lists the numbers on which the campaign has messages waiting to be sent. */
export async function numbersWithQueuedSends(tenantId: number, campaignId: number) {
  const rows = await db
    .from('messages')
    .where('tenant_id', tenantId)
    .where('campaign_id', campaignId)
    .where('status', 'queued')
    .distinct('instance_id')
  return rows.map((row) => Number(row.instance_id))
}

/**
 * Calls `visit` with every delayed job of a number's outbound queue, read
 * DELAYED_PAGE at a time. `visit` must not move jobs out of the delayed
 * set, because that would shift the pages still to read.
 */
export async function forEachDelayedSend(
  instanceId: number,
  visit: (job: Job<OutboundJobData>) => void
) {
  const queue = getQueue(outboundQueueName(instanceId))
  for (let start = 0; ; start += DELAYED_PAGE) {
    const jobs = (await queue.getDelayed(start, start + DELAYED_PAGE - 1)) as Job<OutboundJobData>[]
    for (const job of jobs) {
      visit(job)
    }
    if (jobs.length < DELAYED_PAGE) {
      return
    }
  }
}

/** Returns the engine instant, in epoch milliseconds, of the pace slot a delayed send waits for. */
export function slotOf(job: Job<OutboundJobData>) {
  return Date.parse(job.data.dueAt ?? '') || job.timestamp + job.delay
}

/**
 * Gives the number back the pace slots of the campaigns' sends that wait
 * in its outbound queue, and returns those delayed jobs for the caller to
 * run again. The number's next send keeps the minimum interval of the
 * campaign whose send has the latest slot still reserved, since that send
 * comes before it, or of the first released campaign when none is kept.
 */
export async function releaseQueuedSends(instanceId: number, campaignIds: Set<number>) {
  const released: Job<OutboundJobData>[] = []
  let latestKept: number | null = null
  let gapCampaignId: number | null = null
  await forEachDelayedSend(instanceId, (job) => {
    const campaignId = job.data.journey?.campaignId
    if (campaignId !== undefined && campaignIds.has(campaignId)) {
      released.push(job)
    } else if (slotOf(job) > (latestKept ?? 0)) {
      latestKept = slotOf(job)
      gapCampaignId = campaignId ?? null
    }
  })
  if (released.length === 0) {
    return released
  }
  const gapCampaign = await db
    .from('campaigns')
    .where('id', gapCampaignId ?? released[0].data.journey!.campaignId)
    .select('min_interval_seconds')
    .first()
  await releasePaceSlots(
    instanceId,
    released.map(slotOf),
    latestKept,
    Number(gapCampaign?.min_interval_seconds ?? 0)
  )
  return released
}

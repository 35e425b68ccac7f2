import { DelayedError, type Job } from 'bullmq'
import { CAMPAIGN_CANCELLED_CODE } from '#sdk'
import type { DateTime } from 'luxon'
import type { ContactRecord } from '#models/contact'
import Tenant from '#models/tenant'
import type { MessageRecord } from '#models/message'
import { markFailed } from '#services/channels/message_service'
import { delayUntil, engineNow } from '#engine/clock'
import { rememberDelayedQueue } from '#engine/engine_queues'
import { reservePaceSlot } from '#engine/pacing'
import { quietUntil } from '#engine/quiet_policy'
import { recordHeldSend } from '#engine/quiet_holds'
import { requestProgress } from '#engine/campaign_progress'
import { paceOf } from '#engine/journey_sender'
import { findCampaign, findContactWithZone } from '#engine/batched_reads'

/**
 * How long a send of a paused campaign first waits before it looks again
 * whether the campaign was resumed, in milliseconds. The wait doubles at
 * each look, up to MAX_PAUSED_RECHECK_MS, so a long pause with many held
 * sends does not keep the worker busy. A resume promotes the held sends at
 * once (`promotePausedSends`), so the looks only matter when that fails.
 */
export const PAUSED_RECHECK_MS = 5000

/** Maximum wait between two looks of a paused campaign's send, in milliseconds. */
const MAX_PAUSED_RECHECK_MS = 5 * 60_000

interface GatedJobData {
  tenantId: number
  messageId: number
  dueAt?: string
  /** Set while held by a pause: the send takes a new pace slot when released. */
  repace?: boolean
  /** Looks a send held by a pause has made since the pause. */
  pausedChecks?: number
}

async function holdUntil(
  job: Job<GatedJobData>,
  token: string | undefined,
  at: DateTime,
  repace = false,
  pausedChecks = 0
): Promise<never> {
  await job.updateData({ ...job.data, dueAt: at.toUTC().toISO()!, repace, pausedChecks })
  await rememberDelayedQueue(job.queueName)
  await job.moveToDelayed(Date.now() + (await delayUntil(at)), token)
  throw new DelayedError()
}

/**
 * Loads the campaign of a message right before the send, and its contact
 * with the tenant's time zone, read together with the concurrent sends'
 * rows (see `batched_reads.ts`). The contact is `null` once it was deleted.
 */
async function campaignForSend(message: MessageRecord) {
  const [campaign, contact] = await Promise.all([
    findCampaign(message.campaignId!),
    message.contactId === null ? null : findContactWithZone(message.contactId),
  ])
  return { campaign, contact }
}

/** Returns the tenant's time zone, which is read again only when the message's contact is gone. */
async function tenantZoneOf(
  message: MessageRecord,
  contact: ContactRecord | null
): Promise<string> {
  if (contact) {
    return contact.$extras.tenant_timezone
  }
  const tenant = await Tenant.findOrFail(message.tenantId)
  return tenant.timezone
}

/**
 * Checks a campaign message right before its send, inside the outbound
 * queue's job. Returns `send` when it may leave now, or `failed` after
 * marking it failed (its campaign was cancelled or its contact opted out).
 * Holds the job, by moving it back to delayed and raising BullMQ's
 * `DelayedError`, while the campaign is paused, while the campaign's
 * quiet-hours policy forbids sending in the contact's local time (then it
 * takes the number's next pace slot after the quiet period), and after a
 * pause (a new pace slot, so held sends do not leave in a burst).
 */
export async function gateOutboundSend(
  job: Job<GatedJobData>,
  token: string | undefined,
  message: MessageRecord
): Promise<'send' | 'failed'> {
  if (message.campaignId === null) {
    return 'send'
  }
  const { campaign, contact } = await campaignForSend(message)
  if (!campaign || campaign.state === 'cancelled') {
    await markFailed(message, {
      code: CAMPAIGN_CANCELLED_CODE,
      reason: 'the campaign was cancelled',
    })
    return 'failed'
  }
  const now = await engineNow()
  if (campaign.state === 'paused') {
    const checks = job.data.pausedChecks ?? 0
    const wait = Math.min(PAUSED_RECHECK_MS * 2 ** checks, MAX_PAUSED_RECHECK_MS)
    return holdUntil(job, token, now.plus({ milliseconds: wait }), true, checks + 1)
  }

  if (contact?.consent === 'opted_out') {
    await markFailed(message, { code: 'E_OPTED_OUT', reason: 'the contact opted out' })
    return 'failed'
  }

  const tenantZone = await tenantZoneOf(message, contact)
  const pace = paceOf(campaign, tenantZone)
  const contactZone = contact?.timezone || tenantZone
  const outsideQuietHours = (at: DateTime) => quietUntil(campaign, at, contactZone)
  const quietEnd = await quietUntil(campaign, now, contactZone)
  if (quietEnd) {
    const slot = await reservePaceSlot(message.instanceId, quietEnd, pace, outsideQuietHours)
    await recordHeldSend(campaign.id, message.id, slot)
    requestProgress(message.tenantId, campaign.id)
    return holdUntil(job, token, slot)
  }
  if (job.data.repace) {
    const slot = await reservePaceSlot(message.instanceId, now, pace, outsideQuietHours)
    if (slot > now) {
      return holdUntil(job, token, slot)
    }
  }
  return 'send'
}

import db from '@adonisjs/lucid/services/db'
import Journey, { type JourneyRecord } from '#models/journey'
import Message, { type MessageRecord } from '#models/message'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow } from '#engine/clock'
import { getJourneyJob } from '#engine/engine_queues'
import { ensureJourneyJob } from '#engine/journey_transitions'
import { optOutByKeyword } from '#services/contacts/opt_out'

/**
 * Claims the parked step of `journey` for reply `messageId` by a
 * conditional update, and returns whether this call claimed it. The update
 * applies only while the step waits with no reply claimed yet, and only
 * for a message newer than the last reply the journey took. So one
 * inbound message resumes at most one step of a journey.
 */
async function claimStep(journey: Pick<JourneyRecord, 'id' | 'step'>, messageId: number) {
  const claimed = await db
    .from('journeys')
    .where('id', journey.id)
    .where('step', journey.step)
    .where('state', 'awaiting_reply')
    .whereNull('reply_message_id')
    .where((query) =>
      query.whereNull('last_reply_message_id').orWhere('last_reply_message_id', '<', messageId)
    )
    .update({ reply_message_id: messageId, last_reply_message_id: messageId })
  return Number(claimed) === 1
}

/**
 * Hands an inbound message to the journeys parked for a reply from its
 * contact on its instance. Each parked step takes the first reply that
 * claims it (see `claimStep`), so a reply reported twice or two replies at
 * once resume a journey once. The claimed journey's pending
 * resume job runs now instead of at its timeout. An opt-out keyword opts
 * the contact out first, so the resumed journeys end instead of following
 * a port. Returns the journeys resumed.
 */
export async function routeReply(messageId: number) {
  const message = await Message.find(messageId)
  if (!message || message.direction !== 'in' || message.contactId === null) {
    return []
  }
  await optOutByKeyword(message)

  const now = await engineNow()
  const parked = await Journey.query()
    .where('contact_id', message.contactId)
    .where('instance_id', message.instanceId)
    .where('state', 'awaiting_reply')
    .whereNull('reply_message_id')
    .where('resume_at', '>', sqlTime(now))

  const resumed: number[] = []
  for (const journey of parked) {
    if (!(await claimStep(journey, message.id))) {
      continue
    }
    resumed.push(journey.id)
    journey.replyMessageId = message.id
    await resumeNow(journey)
  }
  return resumed
}

/**
 * Finds the journey's last message that the provider accepted, which a
 * reply responds to, or `null` when none was sent.
 */
async function lastSentMessage(journeyId: number) {
  return Message.query()
    .where('journey_id', journeyId)
    .where('direction', 'out')
    .whereNotNull('sent_at')
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .first()
}

/**
 * Finds the first inbound message of the contact on the instance received
 * since `sent` left and newer than `afterId`. The times are whole seconds,
 * so a message of the same second counts only when it was stored after
 * `sent`.
 */
async function firstReplySince(
  journey: JourneyRecord,
  sent: MessageRecord,
  afterId: number | null
) {
  const sentAt = sqlTime(sent.sentAt!)
  return Message.query()
    .where('contact_id', journey.contactId)
    .where('instance_id', journey.instanceId)
    .where('direction', 'in')
    .where('id', '>', afterId ?? 0)
    .where((query) =>
      query
        .where('received_at', '>', sentAt)
        .orWhere((same) => same.where('received_at', sentAt).where('id', '>', sent.id))
    )
    .orderBy('received_at', 'asc')
    .orderBy('id', 'asc')
    .first()
}

/**
 * Finds the first reply the contact sent since the journey's last sent
 * message, such as one that came during a wait before the step that now
 * parks for a reply. A reply an earlier step of the journey took is
 * skipped (see `claimStep`). Returns `null` when there is none.
 */
export async function findEarlierReply(journey: JourneyRecord) {
  const sent = await lastSentMessage(journey.id)
  if (!sent) {
    return null
  }
  return firstReplySince(journey, sent, journey.lastReplyMessageId)
}

async function resumeNow(journey: Journey) {
  const job = await getJourneyJob({
    campaignId: journey.campaignId,
    journeyId: journey.id,
    step: journey.step,
    nodeId: journey.nodeId,
    phase: 'resume',
  })
  if (job && (await job.isDelayed())) {
    await job.promote().catch(() => undefined)
    return
  }
  if (!job) {
    await ensureJourneyJob(journey)
  }
}

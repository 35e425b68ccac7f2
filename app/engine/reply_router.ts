import db from '@adonisjs/lucid/services/db'
import Journey from '#models/journey'
import Message from '#models/message'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow } from '#engine/clock'
import { getJourneyJob } from '#engine/engine_queues'
import { ensureJourneyJob } from '#engine/journey_transitions'
import { optOutByKeyword } from '#services/contacts/opt_out'

/**
 * Hands an inbound message to the journeys parked for a reply from its
 * contact on its instance. Each parked step takes the first reply that
 * claims it, by a conditional update, so a reply reported twice or two
 * replies at once resume a journey once. The claimed journey's pending
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
    const claimed = await db
      .from('journeys')
      .where('id', journey.id)
      .where('step', journey.step)
      .where('state', 'awaiting_reply')
      .whereNull('reply_message_id')
      .update({ reply_message_id: message.id })
    if (Number(claimed) !== 1) {
      continue
    }
    resumed.push(journey.id)
    journey.replyMessageId = message.id
    await resumeNow(journey)
  }
  return resumed
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

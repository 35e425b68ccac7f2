import {
  db,
  fromSqlTime,
  type ContactOptedOutEvent,
  type MessageEvent,
  type MessageReceivedEvent,
  type PluginApi,
} from '#sdk'
import { countStages } from './counter_store.js'
import { countMessageStages } from './batch_counting.js'
import { answeredCampaignMessage } from './reply_attribution.js'
import { countStepFailure } from './failure_counting.js'

const MESSAGE_EVENTS = [
  'message:queued',
  'message:sent',
  'message:delivered',
  'message:read',
  'message:failed',
  'message:cancelled',
] as const

/** Counts every stage the message's row shows, each once whatever the events repeat. */
function countMessage(event: MessageEvent) {
  return countMessageStages(event.tenantId, event.messageId)
}

/** Counts the inbound message, and a reply on the campaign message it answers. */
async function countInbound(event: MessageReceivedEvent) {
  const received = await readReceivedAt(event)
  await countStages(
    {
      tenantId: event.tenantId,
      messageId: event.messageId,
      campaignId: null,
      instanceId: event.instanceId,
      nodeId: null,
    },
    [{ stage: 'received', at: received }]
  )
  if (event.contactId === null) {
    return
  }

  const answered = await answeredCampaignMessage(event.tenantId, event.contactId, {
    instanceId: event.instanceId,
    beforeId: event.messageId,
  })
  if (answered) {
    await countStages(answered, [{ stage: 'replied', at: received }])
  }
}

async function readReceivedAt(event: MessageReceivedEvent) {
  const row = await db
    .from('messages')
    .where('tenant_id', event.tenantId)
    .where('id', event.messageId)
    .select('received_at')
    .first()
  return fromSqlTime(row?.received_at) ?? eventTime(event.occurredAt)
}

/** The event's `occurredAt`, or now when an emitter left it out. */
function eventTime(occurredAt: string | undefined) {
  const at = occurredAt ? new Date(occurredAt) : new Date()
  return Number.isNaN(at.getTime()) ? new Date() : at
}

/** Counts an opt-out on the campaign message the contact last received. */
async function countOptOut(event: ContactOptedOutEvent) {
  const answered = await answeredCampaignMessage(event.tenantId, event.contactId)
  if (answered) {
    await countStages(answered, [{ stage: 'opted_out', at: eventTime(event.occurredAt) }])
  }
}

/**
 * Subscribes the counters to the domain events. The subscribers run in the
 * process that emitted the event, before the emitter returns.
 */
export function subscribeCounters(plugin: PluginApi) {
  for (const event of MESSAGE_EVENTS) {
    plugin.on(event, countMessage)
  }
  plugin.on('message:received', countInbound)
  plugin.on('contact:opted_out', countOptOut)
  plugin.on('step:failed', countStepFailure)
}

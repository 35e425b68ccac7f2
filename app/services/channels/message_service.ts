import { DateTime } from 'luxon'
import { instanceRowFinder } from '#services/database/batch_sql'
import logger from '@adonisjs/core/services/logger'
import {
  CAMPAIGN_CANCELLED_CODE,
  type DeliveryReceipt,
  type InboundMessage,
  type MediaValue,
  type ReceiptStatus,
  type SendResult,
} from '#sdk'
import Message, { type MessageRecord } from '#models/message'
import type ChannelInstance from '#models/channel_instance'
import { emitDomainEvent } from '#events/domain_events'
import { STATUS_TIME, type StatusChange } from '#services/channels/message_status'
import { requestStatus } from '#services/channels/status_batch'
import { broadcastConversationMerged, broadcastMessage } from '#services/channels/channel_broadcast'
import { conversationFor, recordInConversation } from '#services/inbox/conversations'
import { absorbSenderConversations } from '#services/inbox/conversation_merge'
import { publishConversation, publishUnread } from '#services/inbox/inbox_broadcast'
import { storeInboundMedia } from '#services/inbox/inbound_media'
import {
  isPhoneAddress,
  rememberAddresses,
  resolveSender,
  senderAddresses,
} from '#services/inbox/sender_addresses'
import { createMessageId } from '#services/channels/channel_catalog'

/** Steps a later status can imply, in the order they happen. */
const IMPLIED_STEPS = ['sent', 'delivered'] as const

export interface OutboundInput {
  instance: ChannelInstance
  address: string
  body: string | null
  media?: MediaValue | null
  contactId?: number | null
  campaignId?: number | null
  journeyId?: number | null
  nodeId?: string | null
  /** The agent who wrote it in the inbox. */
  sentByUserId?: number | null
}

/**
 * Creates the row of an outbound message, `queued`, with its provider
 * message id chosen now by the instance's channel, in the conversation of
 * its recipient on that instance. Enqueue it afterwards with
 * `enqueueOutbound`. Runs inside the instance's tenant scope.
 */
export async function createOutboundMessage(input: OutboundInput) {
  const conversation = await conversationFor({
    instanceId: input.instance.id,
    address: input.address,
    contactId: input.contactId ?? null,
  })
  const message = await Message.create({
    direction: 'out',
    instanceId: input.instance.id,
    conversationId: conversation.id,
    sentByUserId: input.sentByUserId ?? null,
    contactId: input.contactId ?? null,
    campaignId: input.campaignId ?? null,
    journeyId: input.journeyId ?? null,
    nodeId: input.nodeId ?? null,
    providerMessageId: createMessageId(input.instance.channel),
    address: input.address,
    body: input.body,
    media: input.media ?? null,
    status: 'queued',
    queuedAt: DateTime.utc(),
  })
  await recordInConversation(message)
  await announceQueued(message)
  return message
}

/**
 * Tells the pages and the plugins about an outbound message just stored
 * as `queued`: its broadcast, its conversation's new summary and the
 * `message:queued` event. Runs inside the message's tenant scope.
 */
export async function announceQueued(message: MessageRecord) {
  broadcastMessage(message)
  if (message.conversationId !== null) {
    await publishConversation(message.tenantId, message.conversationId)
  }
  await emitMessageEvent(message, 'queued')
}

/**
 * Applies a delivery receipt to the outbound message it names, forward
 * only (see `statusChange`), and emits the events of the steps it implies
 * (see `emitStatusEvents`). Returns the message, or `null` when the
 * instance has no message with that provider id. Runs inside the
 * instance's tenant scope.
 */
export async function applyReceipt(instanceId: number, receipt: DeliveryReceipt) {
  const found = await findOutboundRow(instanceId, receipt.providerMessageId)
  if (!found) {
    logger.debug(
      { instanceId, providerMessageId: receipt.providerMessageId },
      'receipt for unknown message'
    )
    return null
  }
  const failure = {
    code: receipt.code ?? 'E_SEND_FAILED',
    reason: receipt.reason ?? 'the provider reported a failure',
  }
  return applyStatus(Number(found.id), null, receipt.status, receipt.at, failure)
}

/**
 * Records that the provider accepted an outbound message. A driver that
 * could not use the chosen id returns its own, which replaces it.
 */
export async function markSent(message: MessageRecord, result: SendResult) {
  let known = message
  if (result.providerMessageId !== message.providerMessageId) {
    await Message.query()
      .where('id', message.id)
      .update({ provider_message_id: result.providerMessageId })
    known = { ...message, providerMessageId: result.providerMessageId }
  }
  const stored = await applyStatus(message.id, known, 'sent', result.sentAt)
  return stored ?? known
}

/** Marks an outbound message failed, unless it already got further than `sent`. */
export async function markFailed(
  message: MessageRecord,
  failure: { code: string; reason: string }
) {
  const stored = await applyStatus(message.id, message, 'failed', new Date(), failure)
  return stored ?? message
}

/**
 * How long the first receipt of an instance waits for the next ones, in
 * milliseconds, so receipts that arrive one by one are applied in batches.
 * A tick on a page shows that much later.
 */
const RECEIPT_WINDOW_MS = 20

/**
 * Outbound rows of an instance by provider message id, read for the
 * concurrent receipts of the instance by one query.
 */
const findOutboundRow = instanceRowFinder({
  table: 'messages',
  column: 'provider_message_id',
  where: { direction: 'out' },
  modelName: Message.name,
  windowMs: RECEIPT_WINDOW_MS,
})

/**
 * Emissions of status events in progress, by message id. A message's
 * changes applied in one batch emit their events one change after the
 * other, in the order they were requested.
 */
const emitting = new Map<number, Promise<void>>()

function emitInOrder(messageId: number, task: () => Promise<void>) {
  const previous = emitting.get(messageId) ?? Promise.resolve()
  const next = previous.then(task, task)
  emitting.set(messageId, next)
  void next
    .finally(() => {
      if (emitting.get(messageId) === next) emitting.delete(messageId)
    })
    .catch(() => undefined)
  return next
}

/**
 * Moves message `messageId` to `status` if `statusChange` allows it, with
 * the concurrent changes of the tenant's messages in one transaction that
 * locks their rows (see `requestStatus`), so two receipts applied at once
 * by two processes cannot move a message backwards. Broadcasts the message
 * and emits the events of the change. Returns the message as stored, or
 * `known` (the caller's copy, if any) when its row is gone.
 */
async function applyStatus(
  messageId: number,
  known: MessageRecord | null,
  status: ReceiptStatus,
  at: Date,
  failure?: { code: string; reason: string }
) {
  const outcome = await requestStatus({ messageId, status, at, failure })
  const fresh = outcome.message ?? known
  const change = outcome.change
  if (fresh && change) {
    await emitInOrder(fresh.id, async () => {
      broadcastMessage(fresh)
      await emitStatusEvents(fresh, change, failure)
    })
  }
  return fresh
}

/**
 * Emits the event of each step a status change fills in, in the order of the
 * steps: a `read` that overtook its receipts emits `message:sent` and
 * `message:delivered` before `message:read`. Each event's `occurredAt` is the
 * time stored for its step.
 */
async function emitStatusEvents(
  message: MessageRecord,
  change: StatusChange,
  failure?: { code: string; reason: string }
) {
  for (const status of IMPLIED_STEPS) {
    if (status !== change.status && change.times.includes(STATUS_TIME[status])) {
      await emitMessageEvent(message, status)
    }
  }
  await emitMessageEvent(message, change.status, failure)
}

async function emitMessageEvent(
  message: MessageRecord,
  status: ReceiptStatus | 'queued',
  failure?: { code: string; reason: string }
) {
  // NOTE: the message events carry a contact id, so a message without a contact emits none.
  if (message.contactId === null) {
    return
  }
  const base = {
    tenantId: message.tenantId,
    occurredAt: message[STATUS_TIME[status]]?.toUTC().toISO() ?? undefined,
    messageId: message.id,
    contactId: message.contactId,
    campaignId: message.campaignId,
    instanceId: message.instanceId,
    providerMessageId: message.providerMessageId,
  }
  if (status === 'failed' && failure?.code === CAMPAIGN_CANCELLED_CODE) {
    await emitDomainEvent('message:cancelled', { ...base, code: CAMPAIGN_CANCELLED_CODE })
    return
  }
  if (status === 'failed') {
    await emitDomainEvent('message:failed', {
      ...base,
      code: failure?.code ?? 'E_SEND_FAILED',
      reason: failure?.reason ?? 'send failed',
    })
    return
  }
  await emitDomainEvent(`message:${status}`, base)
}

/**
 * Finds the contact and conversation of an inbound sender. The sender is
 * resolved through its `from` and `aliases` (see `resolveSender`), and the
 * addresses are stored for the contact so a later message that carries
 * only one of them joins the same conversation. A sender who is no contact
 * gets a conversation under its phone address when it has one. Once a
 * message carries both, the conversations kept under the sender's other
 * addresses (a `…@lid` address whose phone was unknown) merge into it.
 */
async function inboundConversation(instance: ChannelInstance, inbound: InboundMessage) {
  const addresses = senderAddresses(inbound.from, inbound.aliases)
  const contact = await resolveSender(addresses)
  if (contact) {
    await rememberAddresses(contact, addresses)
  }
  const address = contact?.phone ?? addresses.find(isPhoneAddress) ?? inbound.from
  const conversation = await conversationFor({
    instanceId: instance.id,
    address,
    contactId: contact?.id ?? null,
    senderName: contact ? null : inbound.fromName,
  })
  const mergedIds = await absorbSenderConversations(conversation, addresses)
  return { contact, conversation, mergedIds }
}

/**
 * Stores an inbound message once per instance and provider id, links it to
 * the tenant's contact behind its sender and to their conversation, and
 * emits `message:received`. The same message reported again returns the
 * stored row and emits nothing. Runs inside the instance's tenant scope.
 */
export async function storeInbound(instance: ChannelInstance, inbound: InboundMessage) {
  const existing = await findInbound(instance.id, inbound.providerMessageId)
  if (existing) {
    return { message: existing, created: false }
  }

  const { contact, conversation, mergedIds } = await inboundConversation(instance, inbound)
  let message: Message
  try {
    message = await Message.create({
      direction: 'in',
      instanceId: instance.id,
      conversationId: conversation.id,
      contactId: contact?.id ?? null,
      providerMessageId: inbound.providerMessageId,
      address: inbound.from,
      senderName: inbound.fromName?.slice(0, 160) ?? null,
      body: inbound.text,
      media: await storeInboundMedia(instance.tenantId, instance.id, inbound),
      inReplyTo: inbound.inReplyTo,
      status: 'received',
      receivedAt: DateTime.fromJSDate(inbound.receivedAt),
    })
  } catch (error) {
    const raced = await findInbound(instance.id, inbound.providerMessageId)
    if (raced) {
      return { message: raced, created: false }
    }
    throw error
  }

  await recordInConversation(message)
  for (const mergedId of mergedIds) {
    broadcastConversationMerged(conversation.tenantId, mergedId, conversation.id)
  }
  broadcastMessage(message)
  await publishConversation(conversation.tenantId, conversation.id)
  await publishUnread(conversation.tenantId)
  await emitDomainEvent('message:received', {
    tenantId: message.tenantId,
    occurredAt: message.receivedAt?.toUTC().toISO() ?? undefined,
    messageId: message.id,
    contactId: message.contactId,
    instanceId: instance.id,
    senderAddress: message.address,
    providerMessageId: message.providerMessageId,
  })
  return { message, created: true }
}

function findInbound(instanceId: number, providerMessageId: string) {
  return Message.query()
    .where('instance_id', instanceId)
    .where('provider_message_id', providerMessageId)
    .where('direction', 'in')
    .first()
}

import transmit from '@adonisjs/transmit/services/main'
import logger from '@adonisjs/core/services/logger'
import type ChannelInstance from '#models/channel_instance'
import type { MessageRecord } from '#models/message'
import { maskSecrets, secretFieldNames } from '#plugins/secret_settings'
import { channelConfigFields } from '#services/channels/channel_catalog'

/** Transmit channel of one instance: its status and its messages. */
export function instanceTopic(tenantId: number, instanceId: number) {
  return `tenants/${tenantId}/instances/${instanceId}`
}

/** Transmit channel of the tenant's instance list. */
export function instancesTopic(tenantId: number) {
  return `tenants/${tenantId}/instances`
}

/**
 * Transmit channel of the tenant's inbox: new and changed messages of every
 * conversation, conversation changes (last message, unread count,
 * assignee) and the tenant's unread totals.
 */
export function inboxTopic(tenantId: number) {
  return `tenants/${tenantId}/inbox`
}

/**
 * The instance as the connections page shows it. Credentials and the
 * configuration fields marked `secret`, which arrive empty, never leave
 * the server.
 */
export function serializeInstance(instance: ChannelInstance) {
  const secrets = secretFieldNames(channelConfigFields(instance.channel))
  return {
    id: instance.id,
    name: instance.name,
    channel: instance.channel,
    config: maskSecrets(instance.config, secrets),
    status: instance.status,
    statusAt: instance.statusAt?.toISO() ?? null,
    statusReason: instance.statusReason,
    pairing: instance.status === 'qr' ? instance.pairing : null,
    accountAddress: instance.accountAddress,
    accountName: instance.accountName,
    lastError: instance.lastError,
    pausedForHealth: instance.pausedForHealth,
  }
}

export type SerializedInstance = ReturnType<typeof serializeInstance>

/** The message as the simulator and the inbox show it. */
export function serializeMessage(message: MessageRecord) {
  return {
    id: message.id,
    direction: message.direction,
    instanceId: message.instanceId,
    contactId: message.contactId,
    conversationId: message.conversationId,
    campaignId: message.campaignId,
    sentByUserId: message.sentByUserId,
    address: message.address,
    body: message.body,
    media: message.media,
    status: message.status,
    queuedAt: message.queuedAt?.toISO() ?? null,
    sentAt: message.sentAt?.toISO() ?? null,
    deliveredAt: message.deliveredAt?.toISO() ?? null,
    readAt: message.readAt?.toISO() ?? null,
    failedAt: message.failedAt?.toISO() ?? null,
    receivedAt: message.receivedAt?.toISO() ?? null,
    failureCode: message.failureCode,
    failureReason: message.failureReason,
    createdAt: message.createdAt.toISO(),
  }
}

export type SerializedMessage = ReturnType<typeof serializeMessage>

/**
 * Broadcasts an instance's new state on its own channel and on the tenant's
 * list channel. A broadcast failure is logged: the state is already stored.
 */
export function broadcastInstance(instance: ChannelInstance) {
  const payload = { type: 'instance', instance: serializeInstance(instance) }
  send(instanceTopic(instance.tenantId, instance.id), payload)
  send(instancesTopic(instance.tenantId), payload)
}

/**
 * Broadcasts a new or changed message on its instance's channel and, when
 * it belongs to a conversation, on the inbox's channel.
 */
export function broadcastMessage(message: MessageRecord) {
  const payload = { type: 'message', message: serializeMessage(message) }
  send(instanceTopic(message.tenantId, message.instanceId), payload)
  if (message.conversationId !== null) {
    send(inboxTopic(message.tenantId), payload)
  }
}

/** Broadcasts a conversation's new state, as the inbox list shows it, on the inbox's channel. */
export function broadcastConversation(tenantId: number, conversation: Record<string, unknown>) {
  send(inboxTopic(tenantId), { type: 'conversation', conversation })
}

/** Broadcasts that conversation `fromId` was merged into `intoId` and no longer exists. */
export function broadcastConversationMerged(tenantId: number, fromId: number, intoId: number) {
  send(inboxTopic(tenantId), { type: 'merged', fromId, intoId })
}

/**
 * Broadcasts the tenant's unread totals on the inbox's channel, for the
 * badge of the main navigation and the inbox's own summary. `countedAt`
 * (epoch milliseconds) is when the count started, so a page can drop
 * totals that arrive after newer ones.
 */
export function broadcastUnread(
  tenantId: number,
  unread: { conversations: number; messages: number },
  countedAt: number
) {
  send(inboxTopic(tenantId), { type: 'unread', unread, countedAt })
}

/** Broadcasts that an instance was deleted. */
export function broadcastInstanceDeleted(tenantId: number, instanceId: number) {
  send(instancesTopic(tenantId), { type: 'deleted', instanceId })
}

/** Events sent during the current event loop turn, by topic, in order. */
const pending = new Map<string, Record<string, unknown>[]>()

/**
 * Queues an event of `topic`. The events of one topic sent during the same
 * event loop turn, such as the messages of one batch of sends, leave as
 * one broadcast: the event itself when it is alone, or
 * `{ type: 'batch', events }` in the order they were sent.
 */
function send(topic: string, payload: Record<string, unknown>) {
  if (pending.size === 0) {
    setImmediate(flushPending)
  }
  const events = pending.get(topic)
  if (events) {
    events.push(payload)
  } else {
    pending.set(topic, [payload])
  }
}

/** Broadcasts the queued events. A failure is logged: the changes are already stored. */
function flushPending() {
  const topics = [...pending]
  pending.clear()
  for (const [topic, events] of topics) {
    const payload = events.length === 1 ? events[0] : { type: 'batch', events }
    try {
      transmit.broadcast(topic, JSON.parse(JSON.stringify(payload)))
    } catch (error) {
      logger.warn({ err: error, topic, events: events.length }, 'transmit broadcast failed')
    }
  }
}

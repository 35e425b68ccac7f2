import db from '@adonisjs/lucid/services/db'
import Conversation from '#models/conversation'
import type Message from '#models/message'
import type { MessageRecord } from '#models/message'
import { sqlTime } from '#services/channels/sql_time'
import { instanceRowFinder } from '#services/database/batch_sql'

/** Characters of a message's text kept as the conversation's preview. */
const PREVIEW_LENGTH = 200

/** Characters of a sender's display name kept, the size of `conversations.sender_name`. */
const SENDER_NAME_LENGTH = 160

/**
 * Finds the conversation of `address` on an instance, or creates it. A
 * conversation found without a contact is linked to `contactId` once the
 * sender became a contact. Two messages creating it at once end with one
 * row, because `(instance_id, address)` is unique. Runs inside the
 * instance's tenant scope.
 */
export async function conversationFor(input: {
  instanceId: number
  address: string
  contactId: number | null
  senderName?: string | null
}) {
  const existing = await findConversation(input.instanceId, input.address)
  if (existing) {
    return linkContact(existing, input.contactId, input.senderName)
  }
  try {
    return await Conversation.create({
      instanceId: input.instanceId,
      address: input.address,
      contactId: input.contactId,
      senderName: input.senderName?.slice(0, SENDER_NAME_LENGTH) ?? null,
      unreadCount: 0,
    })
  } catch (error) {
    const raced = await findConversation(input.instanceId, input.address)
    if (!raced) {
      throw error
    }
    return linkContact(raced, input.contactId, input.senderName)
  }
}

/** Rows of an instance's conversations by address; lookups made at the same time share a query. */
const findConversationRow = instanceRowFinder({
  table: 'conversations',
  column: 'address',
  modelName: Conversation.name,
})

/** Finds the conversation of `address` on an instance, as a model of the caller's own. */
async function findConversation(instanceId: number, address: string) {
  const row = await findConversationRow(instanceId, address)
  return row ? Conversation.$createFromAdapterResult(row) : null
}

async function linkContact(
  conversation: Conversation,
  contactId: number | null,
  senderName?: string | null
) {
  const changes: Partial<Conversation> = {}
  if (contactId !== null && conversation.contactId !== contactId) {
    changes.contactId = contactId
  }
  const name = senderName?.slice(0, SENDER_NAME_LENGTH)
  if (name && name !== conversation.senderName) {
    changes.senderName = name
  }
  if (Object.keys(changes).length > 0) {
    conversation.merge(changes)
    await conversation.save()
  }
  return conversation
}

/** Returns a message's preview for the conversation list: its text, else its media's MIME type. */
export function previewOf(message: Pick<Message, 'body' | 'media'>) {
  const text = message.body?.replace(/\s+/g, ' ').trim()
  if (text) {
    return text.slice(0, PREVIEW_LENGTH)
  }
  return message.media ? `[${message.media.mimeType}]`.slice(0, PREVIEW_LENGTH) : null
}

/**
 * Counts an inbound message as unread, then makes `message` the
 * conversation's last message unless a newer one got there first (rows are
 * compared by id, the order they were stored in). In that order, a reader
 * who finds the message as the last one finds it counted too.
 */
export async function recordInConversation(message: Message) {
  if (message.conversationId === null) {
    return
  }
  if (message.direction === 'in') {
    await db.from('conversations').where('id', message.conversationId).increment('unread_count', 1)
  }
  const at = message.direction === 'in' ? message.receivedAt : message.queuedAt
  await db
    .from('conversations')
    .where('id', message.conversationId)
    .where((query) => {
      query.whereNull('last_message_id').orWhere('last_message_id', '<', message.id)
    })
    .update({
      last_message_id: message.id,
      last_message_at: sqlTime(at?.toJSDate() ?? new Date()),
      last_direction: message.direction,
      last_preview: previewOf(message),
      updated_at: sqlTime(),
    })
}

/** Marks every message of the conversation read by the agents. */
export async function markConversationRead(conversation: Conversation) {
  if (conversation.unreadCount === 0) {
    return conversation
  }
  await db.from('conversations').where('id', conversation.id).update({ unread_count: 0 })
  conversation.unreadCount = 0
  return conversation
}

/**
 * Finds or creates the conversations of many addresses on one instance,
 * for the messages of concurrent campaign steps: one read, one multi-row
 * insert of the missing ones (rows another process inserted first are
 * kept) and one read of those. A conversation found without its contact is
 * linked to it, as `conversationFor` does. Returns conversation ids by
 * address. Runs inside the instance's tenant scope.
 */
export async function conversationsFor(
  tenantId: number,
  instanceId: number,
  entries: { address: string; contactId: number | null }[]
) {
  const byAddress = new Map(entries.map((entry) => [entry.address, entry.contactId]))
  const read = (addresses: string[]) =>
    db
      .from('conversations')
      .where('tenant_id', tenantId)
      .where('instance_id', instanceId)
      .whereIn('address', addresses)
      .select('id', 'address', 'contact_id')

  const found = await read([...byAddress.keys()])
  const foundAddresses = new Set(found.map((row) => row.address))
  const missing = [...byAddress.keys()].filter((address) => !foundAddresses.has(address))
  if (missing.length > 0) {
    const now = sqlTime()
    const rows = missing.map((address) => ({
      tenant_id: tenantId,
      instance_id: instanceId,
      address,
      contact_id: byAddress.get(address) ?? null,
      unread_count: 0,
      created_at: now,
      updated_at: now,
    }))
    await db
      .table('conversations')
      .multiInsert(rows)
      .onConflict(['instance_id', 'address'])
      .ignore()
    found.push(...(await read(missing)))
  }

  const ids = new Map<string, number>()
  for (const row of found) {
    const contactId = byAddress.get(row.address) ?? null
    if (contactId !== null && Number(row.contact_id) !== contactId) {
      await db
        .from('conversations')
        .where('id', row.id)
        .update({ contact_id: contactId, updated_at: sqlTime() })
    }
    ids.set(row.address, Number(row.id))
  }
  return ids
}

/**
 * Makes each outbound message the last one of its conversation, as
 * `recordInConversation` does, for many messages by one statement. Of two
 * messages of one conversation, the later one wins.
 */
export async function recordOutboundInConversations(messages: MessageRecord[]) {
  const latest = new Map<number, MessageRecord>()
  for (const message of messages) {
    const conversationId = message.conversationId
    if (conversationId !== null && (latest.get(conversationId)?.id ?? 0) < message.id) {
      latest.set(conversationId, message)
    }
  }
  if (latest.size === 0) {
    return
  }
  const entries = [...latest.entries()]
  const cases = entries.map(() => 'when ? then ?').join(' ')
  const column = (value: (message: MessageRecord) => unknown) =>
    entries.flatMap(([id, message]) => [id, value(message)])
  const sql = [
    `update conversations set last_message_id = case id ${cases} end,`,
    `last_message_at = case id ${cases} end,`,
    `last_direction = 'out',`,
    `last_preview = case id ${cases} end,`,
    'updated_at = ?',
    `where id in (${entries.map(() => '?').join(', ')})`,
    `and (last_message_id is null or last_message_id < case id ${cases} end)`,
  ].join(' ')
  await db.rawQuery(sql, [
    ...column((message) => message.id),
    ...column((message) => sqlTime(message.queuedAt?.toJSDate() ?? new Date())),
    ...column((message) => previewOf(message)),
    sqlTime(),
    ...entries.map(([id]) => id),
    ...column((message) => message.id),
  ] as never[])
}

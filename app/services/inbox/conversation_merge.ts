import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Conversation from '#models/conversation'
import ConversationNote from '#models/conversation_note'
import Message from '#models/message'
import { sqlTime } from '#services/channels/sql_time'

/**
 * Moves every message and note of `source` into `target`, adds up their
 * unread counts, keeps the newer last message, and deletes `source`.
 * Message ids do not change, so the merged conversation lists both
 * histories interleaved in the order they were stored. The target keeps
 * its assignee, contact and sender name, and takes the source's where it
 * has none. Runs inside the conversations' tenant scope; returns `false`
 * when another process already merged `source`.
 */
async function mergeInto(source: Conversation, target: Conversation) {
  return db.transaction(async (trx) => {
    const from = await Conversation.query({ client: trx })
      .where('id', source.id)
      .forUpdate()
      .first()
    const into = await Conversation.query({ client: trx })
      .where('id', target.id)
      .forUpdate()
      .first()
    if (!from || !into) {
      return false
    }

    await Message.query({ client: trx })
      .where('conversation_id', from.id)
      .update({ conversation_id: into.id })
    await ConversationNote.query({ client: trx })
      .where('conversation_id', from.id)
      .update({ conversation_id: into.id })
    await trx.from('conversations').where('id', into.id).update(mergedColumns(from, into))
    await trx.from('conversations').where('id', from.id).delete()
    return true
  })
}

/** Builds the target's columns after the merge. */
function mergedColumns(from: Conversation, into: Conversation) {
  const columns: Record<string, unknown> = {
    unread_count: into.unreadCount + from.unreadCount,
    assigned_user_id: into.assignedUserId ?? from.assignedUserId,
    contact_id: into.contactId ?? from.contactId,
    sender_name: into.senderName ?? from.senderName,
    updated_at: sqlTime(),
  }
  if (from.lastMessageId !== null && (into.lastMessageId ?? 0) < from.lastMessageId) {
    columns.last_message_id = from.lastMessageId
    columns.last_message_at = from.lastMessageAt ? sqlTime(from.lastMessageAt.toJSDate()) : null
    columns.last_direction = from.lastDirection
    columns.last_preview = from.lastPreview
  }
  return columns
}

/**
 * Moves, once more, the messages stored under `fromId` by a process that
 * looked the conversation up just before the merge deleted it.
 */
async function moveLateMessages(fromId: number, intoId: number) {
  // NOTE: a message stored after this sweep, from a lookup made before the merge,
  // still names the deleted conversation and is missing from the inbox.
  await Message.query().where('conversation_id', fromId).update({ conversation_id: intoId })
}

/**
 * Merges into `target` the sender's other conversations on the same
 * instance: the ones kept under another of `addresses`, such as a
 * `…@lid` privacy address used before its phone number was known.
 * Returns the ids of the conversations merged away. Runs inside the
 * instance's tenant scope.
 */
export async function absorbSenderConversations(target: Conversation, addresses: string[]) {
  const others = addresses.filter((address) => address !== target.address)
  if (others.length === 0) {
    return []
  }
  const sources = await Conversation.query()
    .where('instance_id', target.instanceId)
    .whereIn('address', others)
    .orderBy('id')
  const merged: number[] = []
  for (const source of sources) {
    if (await mergeInto(source, target)) {
      await moveLateMessages(source.id, target.id)
      logger.info(
        { conversationId: target.id, mergedId: source.id, instanceId: target.instanceId },
        'conversations of one sender merged'
      )
      merged.push(source.id)
    }
  }
  if (merged.length > 0) {
    await target.refresh()
  }
  return merged
}

import db from '@adonisjs/lucid/services/db'
import Conversation from '#models/conversation'
import Message from '#models/message'
import { containing } from '#services/contacts/contact_search'
import { phoneSearchTerm } from '#services/contacts/phone_numbers'
import { sqlTime } from '#services/channels/sql_time'
import { whereTagNamed } from '#services/contacts/contact_tags'
import { previewOf } from '#services/inbox/conversations'

/** Conversations per page of the list. */
export const CONVERSATIONS_PER_PAGE = 50

/** Messages per page of a conversation's pane, newest first. */
export const MESSAGES_PER_PAGE = 50

export interface InboxFilters {
  unread?: boolean
  /** The conversations assigned to this user. */
  assignedTo?: number
  unassigned?: boolean
  instanceId?: number
  /** Conversations with at least one message of this campaign. */
  campaignId?: number
  /** Conversations whose contact has this tag. */
  tag?: string
  optedOut?: boolean
  /** Contact name, phone or address, or text of any message. */
  q?: string
  /** Cursor of the next page: the `cursor` of the last conversation shown. */
  before?: string
}

/** Keyset cursor of the list, which is ordered by last message time, then id, newest first. */
function cursorOf(conversation: Conversation) {
  return `${conversation.lastMessageAt?.toMillis() ?? 0}_${conversation.id}`
}

function applyCursor(query: ReturnType<typeof Conversation.query>, cursor: string) {
  const match = cursor.match(/^(\d{1,15})_(\d{1,15})$/)
  const instant = new Date(Number(match?.[1]))
  if (!match || Number.isNaN(instant.getTime())) {
    // A cursor the list never hands out, such as a time beyond what dates hold, is ignored.
    return
  }
  const at = sqlTime(instant)
  const id = Number(match[2])
  query.where((group) => {
    group.where('conversations.last_message_at', '<', at).orWhere((same) => {
      same.where('conversations.last_message_at', at).where('conversations.id', '<', id)
    })
  })
}

/** Conversations matched by message text at most, so a common word stops the scan early. */
const TEXT_MATCHES = 200

/** Shortest word MariaDB's InnoDB FULLTEXT index stores (`innodb_ft_min_token_size`, default 3). */
const MIN_WORD_LENGTH = 3

/**
 * Turns a search term into a FULLTEXT boolean query that requires every
 * word, each as a prefix: `quero saber` becomes `+quero* +saber*`. Returns
 * `null` when no word is long enough for the index.
 */
export function fulltextQuery(term: string) {
  const words = term.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length >= MIN_WORD_LENGTH)
  return words.length > 0 ? words.map((word) => `+${word}*`).join(' ') : null
}

/**
 * Finds the conversations with a message whose text matches the term. It
 * is a query of its own, not a correlated subquery, so the database reads
 * the tenant's messages once. MariaDB and MySQL match words through the
 * FULLTEXT index on `messages.body`; SQLite, and terms without a word of
 * three characters, match the text anywhere with LIKE, which scans.
 */
async function conversationsWithText(term: string) {
  const query = Message.query().whereNotNull('conversation_id').distinct('conversation_id')
  const words = fulltextQuery(term)
  if (db.connection().dialect.name === 'mysql' && words) {
    query.whereRaw('match(messages.body) against (? in boolean mode)', [words])
  } else {
    query.whereRaw(`messages.body like ? escape '!'`, [containing(term)])
  }
  const rows = await query.limit(TEXT_MATCHES)
  return rows.map((row) => row.conversationId!)
}

function applySearch(
  query: ReturnType<typeof Conversation.query>,
  term: string,
  country: string,
  byText: number[]
) {
  const pattern = containing(term)
  const digits = phoneSearchTerm(term, country)
  query.where((group) => {
    group
      .whereRaw(`contacts.name like ? escape '!'`, [pattern])
      .orWhereRaw(`conversations.sender_name like ? escape '!'`, [pattern])
      .orWhereRaw(`conversations.address like ? escape '!'`, [pattern])
    if (byText.length > 0) {
      group.orWhereIn('conversations.id', byText)
    }
    if (digits) {
      group.orWhere('conversations.address', 'like', `%${digits}%`)
    }
  })
}

/**
 * Keeps the conversations whose contact has the tag. On MariaDB and MySQL a
 * STRAIGHT_JOIN keeps the conversations as the driving table, so the list
 * walks them newest first and probes the unique `(contact_id, name)` key
 * per row; left to itself, MariaDB 10.11 starts from the tagged contacts
 * and sorts them all, about ten times slower at 5,000 tagged contacts.
 */
function applyTag(query: ReturnType<typeof Conversation.query>, tag: string) {
  if (db.connection().dialect.name === 'mysql') {
    query.joinRaw(
      'straight_join contact_tags as tag_filter on tag_filter.contact_id = conversations.contact_id and tag_filter.name = ?',
      [tag]
    )
    return
  }
  query.whereExists((tags) => {
    whereTagNamed(
      tags.from('contact_tags').whereColumn('contact_tags.contact_id', 'conversations.contact_id'),
      tag
    )
  })
}

/**
 * Selects, as `unread_message_id`, the latest message from the contact of an
 * unread conversation whose last message is outbound, such as a campaign's
 * automatic follow-up to the reply. The `(conversation_id, id)` index of
 * messages finds it by walking the conversation back from its newest message.
 */
const UNREAD_MESSAGE_ID = [
  'case when conversations.unread_count > 0 and conversations.last_direction = ? then',
  '(select latest_in.id from messages as latest_in',
  'where latest_in.conversation_id = conversations.id and latest_in.direction = ?',
  'order by latest_in.id desc limit 1)',
  'end as unread_message_id',
].join(' ')

/**
 * Builds the query of the conversation list of the current tenant, with the
 * contact's name and consent, the instance's name, the assignee's name and
 * the unread message to preview (see `UNREAD_MESSAGE_ID`) as `$extras`,
 * newest conversation first. A search term also matches the
 * conversations in `byText` (see `conversationsWithText`).
 */
export function conversationListQuery(
  filters: InboxFilters,
  country = 'BR',
  byText: number[] = []
) {
  const query = Conversation.query()
    .select(
      'conversations.*',
      'contacts.name as contact_name',
      'contacts.consent as contact_consent',
      'channel_instances.name as instance_name',
      'users.full_name as assignee_name',
      db.raw(UNREAD_MESSAGE_ID, ['out', 'in'])
    )
    .leftJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .leftJoin('channel_instances', 'channel_instances.id', 'conversations.instance_id')
    .leftJoin('users', 'users.id', 'conversations.assigned_user_id')
    .orderBy('conversations.last_message_at', 'desc')
    .orderBy('conversations.id', 'desc')

  if (filters.unread) {
    query.where('conversations.unread_count', '>', 0)
  }
  if (filters.assignedTo) {
    query.where('conversations.assigned_user_id', filters.assignedTo)
  }
  if (filters.unassigned) {
    query.whereNull('conversations.assigned_user_id')
  }
  if (filters.instanceId) {
    query.where('conversations.instance_id', filters.instanceId)
  }
  if (filters.campaignId) {
    const campaignId = filters.campaignId
    query.whereIn('conversations.id', (messages) => {
      messages
        .from('messages')
        .select('conversation_id')
        .whereColumn('messages.tenant_id', 'conversations.tenant_id')
        .where('messages.campaign_id', campaignId)
    })
  }
  if (filters.tag) {
    applyTag(query, filters.tag)
  }
  if (filters.optedOut) {
    query.where('contacts.consent', 'opted_out')
  }
  const term = filters.q?.trim()
  if (term) {
    applySearch(query, term, country, byText)
  }
  if (filters.before) {
    applyCursor(query, filters.before)
  }
  return query
}

/**
 * Serializes one conversation for the list. Its preview is the last message,
 * unless the conversation is unread: then it is the latest message from the
 * contact, so an automatic reply sent after it does not hide it.
 */
export function serializeConversation(conversation: Conversation, unreadPreview?: string | null) {
  const extras = conversation.$extras
  const previewsUnread = unreadPreview !== undefined
  return {
    id: conversation.id,
    instanceId: conversation.instanceId,
    instanceName: (extras.instance_name as string | null) ?? null,
    contactId: conversation.contactId,
    contactName: (extras.contact_name as string | null) ?? null,
    consent: (extras.contact_consent as string | null) ?? null,
    address: conversation.address,
    senderName: conversation.senderName,
    assignedUserId: conversation.assignedUserId,
    assigneeName: (extras.assignee_name as string | null) ?? null,
    unreadCount: conversation.unreadCount,
    lastMessageAt: conversation.lastMessageAt?.toISO() ?? null,
    lastDirection: conversation.lastDirection,
    lastPreview: conversation.lastPreview,
    previewDirection: previewsUnread ? ('in' as const) : conversation.lastDirection,
    preview: previewsUnread ? unreadPreview : conversation.lastPreview,
    cursor: cursorOf(conversation),
  }
}

export type SerializedConversation = ReturnType<typeof serializeConversation>

/** Reads the previews of the unread messages the rows selected, by conversation id. */
async function unreadPreviews(rows: Conversation[]) {
  const ids = rows
    .map((row) => Number(row.$extras.unread_message_id))
    .filter((id) => Number.isInteger(id) && id > 0)
  if (ids.length === 0) {
    return new Map<number, string | null>()
  }
  const messages = await Message.query()
    .whereIn('id', ids)
    .select('id', 'conversation_id', 'body', 'media')
  return new Map(messages.map((message) => [message.conversationId!, previewOf(message)]))
}

/** Serializes rows of `conversationListQuery`, with the previews of their unread messages. */
async function serializeRows(rows: Conversation[]) {
  const previews = await unreadPreviews(rows)
  return rows.map((row) => serializeConversation(row, previews.get(row.id)))
}

/** Loads one page of the conversation list and the cursor of the next, `null` on the last page. */
export async function listConversations(filters: InboxFilters, country?: string) {
  const term = filters.q?.trim()
  const byText = term ? await conversationsWithText(term) : []
  const rows = await conversationListQuery(filters, country, byText).limit(
    CONVERSATIONS_PER_PAGE + 1
  )
  const page = await serializeRows(rows.slice(0, CONVERSATIONS_PER_PAGE))
  const next = rows.length > CONVERSATIONS_PER_PAGE ? page[page.length - 1].cursor : null
  return { conversations: page, next }
}

/** Loads one conversation as the list shows it, or `null` when the tenant has no such id. */
export async function conversationSummary(conversationId: number) {
  const row = await conversationListQuery({}).where('conversations.id', conversationId).first()
  if (!row) {
    return null
  }
  const [summary] = await serializeRows([row])
  return summary
}

/** Loads conversations as the list shows them, by id; ids the tenant does not have are left out. */
export async function conversationSummaries(conversationIds: number[]) {
  const rows = await conversationListQuery({}).whereIn('conversations.id', conversationIds)
  const summaries = await serializeRows(rows)
  return new Map(summaries.map((summary) => [summary.id, summary]))
}

/**
 * Loads the latest messages of a conversation, oldest first, and whether older
 * ones exist. `beforeId` pages back from that message id.
 */
export async function latestMessages(conversationId: number, beforeId?: number) {
  const query = Message.query()
    .where('conversation_id', conversationId)
    .orderBy('id', 'desc')
    .limit(MESSAGES_PER_PAGE + 1)
  if (beforeId) {
    query.where('id', '<', beforeId)
  }
  const rows = await query
  return {
    messages: rows.slice(0, MESSAGES_PER_PAGE).reverse(),
    more: rows.length > MESSAGES_PER_PAGE,
  }
}

/**
 * Counts the current tenant's unread conversations and their unread
 * messages, in all conversations or, with `assignedTo`, in that user's.
 */
export async function unreadCounts(assignedTo?: number) {
  const query = Conversation.query().where('unread_count', '>', 0)
  if (assignedTo) {
    query.where('assigned_user_id', assignedTo)
  }
  const [row] = await query.count('* as conversations').sum('unread_count as messages')
  return {
    conversations: Number(row.$extras.conversations ?? 0),
    messages: Number(row.$extras.messages ?? 0),
  }
}

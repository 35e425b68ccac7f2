import db from '@adonisjs/lucid/services/db'
import Campaign from '#models/campaign'
import Contact from '#models/contact'
import type Conversation from '#models/conversation'
import ConversationNote from '#models/conversation_note'
import { serializeMessage } from '#services/channels/channel_broadcast'
import { conversationSummary, latestMessages } from '#services/inbox/inbox_queries'

/** Campaigns listed as having reached a contact, newest first. */
const CAMPAIGNS_SHOWN = 20

async function contactOf(contactId: number | null) {
  if (contactId === null) {
    return null
  }
  const contact = await Contact.query().where('id', contactId).preload('tags').first()
  if (!contact) {
    return null
  }
  return {
    id: contact.id,
    name: contact.name,
    phone: contact.phone,
    consent: contact.consent,
    tags: contact.tags.map((tag) => tag.name).sort(),
  }
}

/** Campaigns with at least one message in the conversation. */
async function campaignsOf(conversationId: number) {
  const rows = await db
    .from('messages')
    .where('conversation_id', conversationId)
    .whereNotNull('campaign_id')
    .distinct('campaign_id')
    .limit(CAMPAIGNS_SHOWN)
  const ids = rows.map((row) => Number(row.campaign_id))
  if (ids.length === 0) {
    return []
  }
  const campaigns = await Campaign.query().whereIn('id', ids).orderBy('id', 'desc')
  return campaigns.map((campaign) => ({ id: campaign.id, name: campaign.name }))
}

async function notesOf(conversationId: number) {
  const notes = await ConversationNote.query()
    .where('conversation_id', conversationId)
    .preload('author')
    .orderBy('id')
  return notes.map(serializeNote)
}

export function serializeNote(note: ConversationNote) {
  return {
    id: note.id,
    body: note.body,
    authorName: note.author?.fullName ?? note.author?.email ?? null,
    createdAt: note.createdAt.toISO(),
  }
}

/**
 * Everything the inbox's pane shows of one conversation: its summary, the
 * latest messages, the contact with its tags and consent, the campaigns
 * that reached them and the internal notes.
 */
export async function conversationDetail(conversation: Conversation) {
  const [summary, page, contact, campaigns, notes] = await Promise.all([
    conversationSummary(conversation.id),
    latestMessages(conversation.id),
    contactOf(conversation.contactId),
    campaignsOf(conversation.id),
    notesOf(conversation.id),
  ])
  return {
    conversation: summary,
    messages: page.messages.map(serializeMessage),
    more: page.more,
    contact,
    campaigns,
    notes,
  }
}

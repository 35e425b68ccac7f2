import type { HttpContext } from '@adonisjs/core/http'
import drive from '@adonisjs/drive/services/main'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import ContactTag from '#models/contact_tag'
import Conversation from '#models/conversation'
import ConversationNote from '#models/conversation_note'
import Membership from '#models/membership'
import Message from '#models/message'
import Template from '#models/template'
import { roleAtLeast } from '#tenancy/roles'
import { optIn, optOut } from '#services/contacts/opt_out'
import { serializeMessage } from '#services/channels/channel_broadcast'
import { isTenantFileKey } from '#services/channels/media_sources'
import { markConversationRead } from '#services/inbox/conversations'
import { conversationDetail, serializeNote } from '#services/inbox/conversation_detail'
import { publishConversation, publishUnread } from '#services/inbox/inbox_broadcast'
import { latestMessages, listConversations, unreadCounts } from '#services/inbox/inbox_queries'
import type { InboxFilters } from '#services/inbox/inbox_queries'
import { InboxSendException, sendInboxReply } from '#services/inbox/inbox_sender'
import {
  assigneeValidator,
  inboxReplyValidator,
  noteValidator,
  olderMessagesValidator,
  tagValidator,
} from '#validators/inbox'
import { splitTags } from '#services/contacts/contact_service'
import { addTags, removeTags } from '#services/contacts/contact_tags'
import { changeContact } from '#services/contacts/contact_changes'

/** Reads the list filters from the query string; unknown or malformed values are ignored. */
function filtersFrom(request: HttpContext['request'], userId: number): InboxFilters {
  const flag = (name: string) => ['1', 'true'].includes(String(request.input(name) ?? ''))
  const id = (name: string) => {
    const value = Number(request.input(name))
    return Number.isInteger(value) && value > 0 ? value : undefined
  }
  const text = (name: string, max: number) => {
    const value = String(request.input(name) ?? '').trim()
    return value === '' ? undefined : value.slice(0, max)
  }
  return {
    unread: flag('unread'),
    assignedTo: flag('mine') ? userId : undefined,
    unassigned: flag('unassigned'),
    optedOut: flag('optedOut'),
    instanceId: id('instanceId'),
    campaignId: id('campaignId'),
    tag: text('tag', 60),
    q: text('q', 120),
    before: text('before', 40),
  }
}

/** Builds the rejection of a contact action in a conversation whose sender is no contact. */
function withoutContact(conversationId: string) {
  return {
    code: 'E_CONVERSATION_WITHOUT_CONTACT',
    message: `Conversation ${conversationId} has no contact: add the sender as a contact first`,
    key: 'inbox.errors.E_CONVERSATION_WITHOUT_CONTACT',
  }
}

async function tagsOf(contactId: number) {
  const tags = await ContactTag.query().where('contact_id', contactId).orderBy('name')
  return tags.map((tag) => tag.name)
}

/**
 * The inbox: every conversation of the tenant's instances. Viewers read;
 * agents and above reply, assign, leave notes and opt contacts out or in.
 */
export default class InboxController {
  async index({ request, inertia, bouncer, auth, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const user = auth.getUserOrFail()
    const filters = filtersFrom(request, user.id)
    const [page, unread, options] = await Promise.all([
      listConversations(filters, tenant.defaultCountry),
      unreadCounts(),
      this.#filterOptions(),
    ])
    return inertia.render('inbox/index', {
      ...page,
      unread,
      ...options,
      filters: { ...request.qs() },
      selectedId: Number(request.input('conversation')) || null,
      canAnswer: await bouncer.allows('workInbox'),
    })
  }

  async list({ request, bouncer, auth, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const filters = filtersFrom(request, auth.getUserOrFail().id)
    const [page, unread] = await Promise.all([
      listConversations(filters, tenant.defaultCountry),
      unreadCounts(),
    ])
    return { ...page, unread }
  }

  async show({ params, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const conversation = await Conversation.findOrFail(params.id)
    if (conversation.unreadCount > 0 && (await bouncer.allows('workInbox'))) {
      await markConversationRead(conversation)
      await publishConversation(conversation.tenantId, conversation.id)
      await publishUnread(conversation.tenantId)
    }
    return conversationDetail(conversation)
  }

  async older({ params, request, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const conversation = await Conversation.findOrFail(params.id)
    const { before } = await request.validateUsing(olderMessagesValidator, {
      data: request.qs(),
    })
    const page = await latestMessages(conversation.id, before)
    return { messages: page.messages.map(serializeMessage), more: page.more }
  }

  async reply({ params, request, response, bouncer, auth, logger }: HttpContext) {
    await bouncer.authorize('workInbox')
    const conversation = await Conversation.findOrFail(params.id)
    const input = await request.validateUsing(inboxReplyValidator)
    try {
      const message = await sendInboxReply(conversation, auth.getUserOrFail(), input)
      logger.info({ conversationId: conversation.id, messageId: message.id }, 'inbox reply queued')
      return response.created({ message: serializeMessage(message) })
    } catch (error) {
      if (!(error instanceof InboxSendException)) {
        throw error
      }
      logger.info({ conversationId: conversation.id, code: error.code }, 'inbox reply rejected')
      return response.status(error.status).send({
        code: error.code,
        message: error.message,
        key: error.key,
        values: error.values,
      })
    }
  }

  async assign({ params, request, response, bouncer }: HttpContext) {
    await bouncer.authorize('workInbox')
    const conversation = await Conversation.findOrFail(params.id)
    const { userId } = await request.validateUsing(assigneeValidator)
    if (userId !== null) {
      const membership = await Membership.query().where('user_id', userId).first()
      if (!membership || !roleAtLeast(membership.role, 'agent')) {
        return response.unprocessableEntity({
          code: 'E_ASSIGNEE_INVALID',
          message: `User ${userId} is not an agent of this tenant: pick someone from the list`,
          key: 'inbox.errors.E_ASSIGNEE_INVALID',
        })
      }
    }
    conversation.assignedUserId = userId
    await conversation.save()
    await publishConversation(conversation.tenantId, conversation.id)
    return { assignedUserId: conversation.assignedUserId }
  }

  async addNote({ params, request, response, bouncer, auth }: HttpContext) {
    await bouncer.authorize('workInbox')
    const conversation = await Conversation.findOrFail(params.id)
    const { body } = await request.validateUsing(noteValidator)
    const note = await ConversationNote.create({
      conversationId: conversation.id,
      userId: auth.getUserOrFail().id,
      body,
    })
    await note.load('author')
    return response.created({ note: serializeNote(note) })
  }

  async addTags({ params, request, response, bouncer, auth }: HttpContext) {
    await bouncer.authorize('workInbox')
    const contact = await this.#contactOf(params.id)
    if (!contact) {
      return response.unprocessableEntity(withoutContact(params.id))
    }
    const { name } = await request.validateUsing(tagValidator)
    const origin = { source: 'manual', userId: auth.getUserOrFail().id } as const
    await changeContact(contact.id, origin, (trx) => addTags([contact.id], splitTags(name), trx))
    return { tags: await tagsOf(contact.id) }
  }

  async removeTag({ params, response, bouncer, auth }: HttpContext) {
    await bouncer.authorize('workInbox')
    const contact = await this.#contactOf(params.id)
    if (!contact) {
      return response.unprocessableEntity(withoutContact(params.id))
    }
    const origin = { source: 'manual', userId: auth.getUserOrFail().id } as const
    await changeContact(contact.id, origin, (trx) => removeTags(contact.id, [params.name], trx))
    return { tags: await tagsOf(contact.id) }
  }

  async optOut(ctx: HttpContext) {
    return this.#setConsent(ctx, 'out')
  }

  async optIn(ctx: HttpContext) {
    return this.#setConsent(ctx, 'in')
  }

  async media({ params, response, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const message = await Message.findOrFail(params.id)
    // Only files in the message's tenant folder are served, whatever key the message names.
    if (!message.media?.source || !isTenantFileKey(message.media.source, message.tenantId)) {
      return response.notFound({ code: 'E_MEDIA_NOT_STORED', message: 'This media is not stored' })
    }
    const name = message.media.fileName ?? 'file'
    response.header('content-type', message.media.mimeType)
    response.attachment(name.replace(/["\r\n]/g, ''))
    return response.stream(await drive.use().getStream(message.media.source))
  }

  /** Loads the contact of a conversation of the current tenant, `null` for an unknown sender. */
  async #contactOf(conversationId: string) {
    const conversation = await Conversation.findOrFail(conversationId)
    return conversation.contactId ? Contact.find(conversation.contactId) : null
  }

  async #setConsent(
    { params, response, bouncer, logger, auth }: HttpContext,
    change: 'in' | 'out'
  ) {
    await bouncer.authorize('workInbox')
    const conversation = await Conversation.findOrFail(params.id)
    const contact = await this.#contactOf(params.id)
    if (!contact) {
      return response.unprocessableEntity(withoutContact(params.id))
    }
    await (change === 'out'
      ? optOut(contact, { reason: 'operator', userId: auth.user?.id ?? null })
      : optIn(contact, { reason: 'operator', userId: auth.user?.id ?? null }))
    logger.info({ contactId: contact.id, change }, 'consent changed from the inbox')
    await publishConversation(conversation.tenantId, conversation.id)
    return { consent: contact.consent }
  }

  /**
   * Reads the filters' and the composer's choices. The page sorts them by name in the
   * interface language's order.
   * NOTE: SQLite orders names byte by byte, so past 200 tags or templates it keeps
   * another 200 than MariaDB does.
   */
  async #filterOptions() {
    const [instances, campaigns, tags, members, templates] = await Promise.all([
      ChannelInstance.query().orderBy('name'),
      Campaign.query().orderBy('id', 'desc').limit(200),
      ContactTag.query().distinct('name').orderBy('name').limit(200),
      Membership.query().preload('user').orderBy('id'),
      Template.query().whereNull('archived_at').orderBy('name').limit(200),
    ])
    return {
      instances: instances.map((instance) => ({
        id: instance.id,
        name: instance.name,
        status: instance.status,
      })),
      campaigns: campaigns.map((campaign) => ({ id: campaign.id, name: campaign.name })),
      tags: tags.map((tag) => tag.name),
      agents: members
        .filter((membership) => roleAtLeast(membership.role, 'agent'))
        .map((membership) => ({
          id: membership.userId,
          name: membership.user.fullName ?? membership.user.email,
        })),
      templates: templates.map((template) => ({ id: template.id, name: template.name })),
    }
  }
}

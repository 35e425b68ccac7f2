import { randomUUID } from 'node:crypto'
import drive from '@adonisjs/drive/services/main'
import { Exception } from '@adonisjs/core/exceptions'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type { MediaValue } from '#sdk'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import type Conversation from '#models/conversation'
import Template from '#models/template'
import type User from '#models/user'
import { createOutboundMessage } from '#services/channels/message_service'
import { enqueueOutbound } from '#services/channels/outbound_queue'
import { parseTemplate } from '#services/templates/template_syntax'
import { renderNodes } from '#services/templates/template_renderer'
import { contactValues } from '#services/templates/template_variables'
import { CAPTION_LIMIT, mediaProblem, mediaTypeOf } from '#services/templates/template_service'

/**
 * Raised when an inbox reply cannot be sent. The inbox shows the
 * translation `key` (by default `inbox.errors.<code>`) filled with `values`.
 */
export class InboxSendException extends Exception {
  static status = 409
  readonly key: string

  constructor(
    message: string,
    options: { code: string; status?: number; key?: string },
    readonly values: Record<string, unknown> = {}
  ) {
    super(message, options)
    this.key = options.key ?? `inbox.errors.${options.code}`
  }
}

export interface InboxReply {
  text?: string | null
  templateId?: number | null
  file?: MultipartFile | null
}

/**
 * Rejects a reply through an instance that cannot send now: not connected,
 * or with sends paused because the number looks at risk. Inbox replies are
 * never held for later, so the agent learns at once that nothing left.
 */
function assertInstanceCanSend(instance: ChannelInstance) {
  if (instance.status !== 'open') {
    throw new InboxSendException(
      `Connection "${instance.name}" is not connected (status "${instance.status}"): connect it on the connections page, then send again`,
      { code: 'E_INSTANCE_NOT_CONNECTED' },
      { instance: instance.name, status: instance.status }
    )
  }
  if (instance.pausedForHealth) {
    throw new InboxSendException(
      `Sends through connection "${instance.name}" are paused because the number looks at risk: resume them on the connections page first`,
      { code: 'E_INSTANCE_PAUSED_FOR_HEALTH' },
      { instance: instance.name }
    )
  }
}

async function renderTemplate(templateId: number, contact: Contact | null) {
  const template = await Template.query().where('id', templateId).whereNull('archived_at').first()
  if (!template) {
    throw new InboxSendException(
      `No template with id ${templateId} in this tenant: pick one from the list`,
      { code: 'E_TEMPLATE_NOT_FOUND', status: 422 },
      { id: String(templateId) }
    )
  }
  const parsed = parseTemplate(template.body)
  const values = contact ? await contactValues(contact) : {}
  const rendered = parsed.ok
    ? renderNodes(parsed.nodes, values, `${template.id}:${contact?.id ?? 0}`)
    : null
  if (!rendered || !rendered.ok) {
    const missing = rendered && !rendered.ok ? rendered.missing.join(', ') : 'syntax'
    throw new InboxSendException(
      `Template "${template.name}" cannot be filled for this contact (${missing}): edit the template or write the text`,
      { code: 'E_TEMPLATE_RENDER', status: 422 },
      { template: template.name, missing }
    )
  }
  const media: MediaValue | null = template.mediaKey
    ? { source: template.mediaKey, mimeType: template.mediaMime!, fileName: template.mediaName }
    : null
  return { text: rendered.text, media }
}

/**
 * Rejects a caption longer than an image or a document may have. Templates
 * with media follow the same limit.
 */
function assertCaptionFits(mimeType: string, caption: string | null) {
  const type = mediaTypeOf(mimeType)
  const length = caption ? [...caption].length : 0
  if ((type === 'image' || type === 'document') && length > CAPTION_LIMIT) {
    throw new InboxSendException(
      `The caption has ${length} characters, more than the ${CAPTION_LIMIT} a file's caption may have: shorten it or send the text as a message of its own`,
      { code: 'E_CAPTION_TOO_LONG', status: 422 },
      { length, limit: CAPTION_LIMIT }
    )
  }
}

async function storeUpload(
  tenantId: number,
  file: MultipartFile,
  caption: string | null
): Promise<MediaValue> {
  const problem = mediaProblem(file)
  if (problem) {
    throw new InboxSendException(
      `File "${file.clientName}" cannot be sent (${problem.key}): attach an image, a PDF or an audio file within the size limit`,
      { code: 'E_MEDIA_INVALID', status: 422, key: problem.key },
      problem.values
    )
  }
  const mimeType = `${file.type}/${file.subtype}`
  assertCaptionFits(mimeType, caption)
  const key = `inbox/${tenantId}/${randomUUID()}.${file.extname ?? 'bin'}`
  await drive.use().copyFromFs(file.tmpPath!, key)
  return { source: key, mimeType, fileName: file.clientName.slice(0, 255) }
}

async function contentOf(conversation: Conversation, contact: Contact | null, reply: InboxReply) {
  const text = reply.text?.trim() || null
  if (reply.templateId) {
    return renderTemplate(reply.templateId, contact)
  }
  const media = reply.file ? await storeUpload(conversation.tenantId, reply.file, text) : null
  if (!text && !media) {
    throw new InboxSendException(
      'The reply is empty: write a text, pick a template or attach a file',
      { code: 'E_REPLY_EMPTY', status: 422 }
    )
  }
  return { text, media }
}

/**
 * Sends an agent's reply in a conversation through the conversation's
 * instance: a text, a template filled with the contact's values, or an
 * uploaded file with an optional caption. The message goes through the
 * instance's outbound queue without a priority, so it leaves before the
 * campaign sends waiting there, and takes no pace slot. Runs inside the
 * conversation's tenant scope.
 */
export async function sendInboxReply(conversation: Conversation, user: User, reply: InboxReply) {
  const instance = await ChannelInstance.findOrFail(conversation.instanceId)
  assertInstanceCanSend(instance)

  const contact = conversation.contactId ? await Contact.find(conversation.contactId) : null
  const content = await contentOf(conversation, contact, reply)

  const message = await createOutboundMessage({
    instance,
    address: conversation.address,
    body: content.text,
    media: content.media,
    contactId: conversation.contactId,
    sentByUserId: user.id,
  })
  await enqueueOutbound(message)
  return message
}

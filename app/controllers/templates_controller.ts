import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import type { Infer } from '@vinejs/vine/types'
import drive from '@adonisjs/drive/services/main'
import Contact from '#models/contact'
import Template from '#models/template'
import { previewValidator, templateValidator } from '#validators/audience'
import {
  attachMedia,
  mediaProblem,
  removeMedia,
  templateAuditValues,
  validateBody,
  MEDIA_RULES,
  TEXT_LIMIT,
  CAPTION_LIMIT,
} from '#services/templates/template_service'
import { previewTemplate } from '#services/templates/template_preview'
import { knownVariables } from '#services/templates/template_variables'
import { recordAudit } from '#events/audit_record'
import { findContactChoices } from '#services/contacts/contact_search'
import { serializeContactChoice } from '#services/contacts/contact_serializer'
import { deleteTemplate, templateUsage } from '#services/templates/template_usage'

type TemplateInput = Infer<typeof templateValidator>

/** One field's message in a validation error, which the page shows under that field. */
interface FieldMessage {
  field: string
  message: string
  rule: string
}

function fieldMessage(field: string, message: string): FieldMessage {
  return { field, message, rule: field }
}

/**
 * Reads the editor's fields as sent, for the checks that still run when
 * the schema rejected another field.
 */
function rawInput(request: HttpContext['request']) {
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  return {
    name: text(request.input('name')).trim(),
    body: text(request.input('body')),
    media: request.file('media'),
    removeMedia: ['1', 'true', 'on'].includes(String(request.input('removeMedia'))),
  }
}

/** Tells whether another template that is not archived has this name. */
async function nameTaken(name: string, template: Template) {
  const clash = await Template.query()
    .where('name', name)
    .whereNull('archived_at')
    .if(template.$isPersisted, (query) => query.whereNot('id', template.id))
    .first()
  return clash !== null
}

/** Finds a template that is not archived, or raises a 404: archived ones are kept for history only. */
function findLiveTemplate(id: unknown) {
  return Template.query().where('id', Number(id)).whereNull('archived_at').firstOrFail()
}

/** Joins campaign names for a message, each in quotes. */
function campaignNames(campaigns: { name: string }[]) {
  return campaigns.map((campaign) => `“${campaign.name}”`).join(', ')
}

export default class TemplatesController {
  async index({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const templates = await Template.query().whereNull('archived_at').orderBy('name')
    return inertia.render('templates/index', {
      templates: templates.map((template) => ({
        id: template.id,
        name: template.name,
        body: template.body,
        mediaType: template.mediaType,
        updatedAt: (template.updatedAt ?? template.createdAt).toISO(),
      })),
      canEdit: await bouncer.allows('designCampaigns'),
    })
  }

  async create({ inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    return inertia.render('templates/edit', {
      template: null,
      ...(await this.editorProps(tenant.defaultCountry)),
    })
  }

  async edit({ params, inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const template = await findLiveTemplate(params.id)
    const usage = await templateUsage(template.id)
    return inertia.render('templates/edit', {
      template: {
        id: template.id,
        name: template.name,
        body: template.body,
        media: template.mediaKey
          ? {
              type: template.mediaType,
              name: template.mediaName,
              size: template.mediaSize,
              url: `/templates/${template.id}/media`,
            }
          : null,
        usage: {
          active: usage.active.map(({ id, name }) => ({ id, name })),
          ended: usage.ended.map(({ id, name }) => ({ id, name })),
        },
      },
      ...(await this.editorProps(tenant.defaultCountry)),
    })
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    const template = await this.save(ctx, new Template())
    return ctx.response.redirect(`/templates/${template.id}`)
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    await this.save(ctx, await findLiveTemplate(ctx.params.id))
    return ctx.response.redirect().back()
  }

  /**
   * Deletes a template no campaign uses and archives one that only ended
   * campaigns use. A template that a campaign not ended uses is rejected
   * with a flashed error naming those campaigns (see `deleteTemplate`).
   */
  async destroy({ params, response, bouncer, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const template = await findLiveTemplate(params.id)
    const result = await deleteTemplate(template)
    if (result.outcome === 'in_use') {
      logger.info(
        { templateId: template.id, campaignIds: result.usage.active.map(({ id }) => id) },
        'template deletion rejected: in use'
      )
      session.flash(
        'error',
        i18n.t('templates.errors.in_use', {
          name: template.name,
          count: result.usage.active.length,
          campaigns: campaignNames(result.usage.active),
        })
      )
      return response.redirect().back()
    }
    if (result.outcome === 'archived') {
      logger.info({ templateId: template.id }, 'template archived')
      session.flash(
        'success',
        i18n.t('templates.archived', {
          name: template.name,
          count: result.usage.ended.length,
          campaigns: campaignNames(result.usage.ended),
        })
      )
      return response.redirect('/templates')
    }
    logger.info({ templateId: template.id }, 'template deleted')
    session.flash('success', i18n.t('templates.deleted', { name: template.name }))
    return response.redirect('/templates')
  }

  /**
   * Renders unsaved text for one contact, with problems and the contacts
   * that lack a value, for the editor's live preview.
   */
  async preview({ request, response, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const input = await request.validateUsing(previewValidator)
    const contact = input.contactId
      ? await Contact.find(input.contactId)
      : await Contact.query().orderBy('id').first()
    return response.json(
      await previewTemplate(
        input.body ?? '',
        contact,
        input.mediaType ?? null,
        input.templateId ?? 0
      )
    )
  }

  async media({ params, response, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    // Archived templates stay readable here, since finished campaigns sent their media.
    const template = await Template.query()
      .where('id', params.id)
      .whereNotNull('media_key')
      .firstOrFail()
    response.header('content-type', template.mediaMime!)
    response.header(
      'content-disposition',
      `inline; filename="${encodeURIComponent(template.mediaName ?? 'media')}"`
    )
    return response.stream(await drive.use().getStream(template.mediaKey!))
  }

  private async save(ctx: HttpContext, template: Template) {
    const { session, i18n, logger } = ctx
    const input = await this.validateInput(ctx, template)
    const body = input.body ?? ''

    const before = template.$isPersisted ? templateAuditValues(template) : null
    template.merge({ name: input.name, body })
    if (input.removeMedia) {
      await removeMedia(template)
    }
    await template.save()
    if (input.media) {
      await attachMedia(template, input.media)
      await template.save()
    }
    await recordAudit(before ? 'template.updated' : 'template.created', {
      targetType: 'template',
      targetId: template.id,
      before,
      after: templateAuditValues(template),
    })
    logger.info({ templateId: template.id }, 'template saved')
    session.flash('success', i18n.t('templates.saved'))
    return template
  }

  /**
   * Validates the editor's fields, then checks the media, the name's
   * uniqueness and the body, and raises one validation error listing every
   * invalid field, so a single save reports them all.
   */
  private async validateInput({ request, i18n }: HttpContext, template: Template) {
    const messages: FieldMessage[] = []
    let input: TemplateInput | null = null
    try {
      input = await request.validateUsing(templateValidator)
    } catch (error) {
      if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
      messages.push(...(error.messages as FieldMessage[]))
    }
    const failed = (field: string) => messages.some((message) => message.field === field)
    // Fields the schema accepted are checked further even when another one failed.
    const fields = input ?? rawInput(request)

    if (fields.media && !failed('media')) {
      const problem = mediaProblem(fields.media)
      if (problem) messages.push(fieldMessage('media', i18n.t(problem.key, problem.values)))
    }
    if (fields.name && !failed('name') && (await nameTaken(fields.name, template))) {
      messages.push(
        fieldMessage('name', i18n.t('templates.errors.name_taken', { name: fields.name }))
      )
    }
    if (!failed('body')) {
      let mediaType = fields.removeMedia ? null : template.mediaType
      if (fields.media) {
        mediaType = 'image'
      }
      const { problems } = await validateBody(fields.body ?? '', mediaType)
      const texts = problems.map((problem) =>
        i18n.t(`templates.errors.${problem.code}`, { ...problem })
      )
      if (texts.length > 0) messages.push(fieldMessage('body', texts.join('\n')))
    }

    if (!input || messages.length > 0) {
      throw new vineErrors.E_VALIDATION_ERROR(messages)
    }
    return input
  }

  /**
   * Reads what the editor needs besides the template. The preview's contact
   * picker opens with the first contacts by name and searches the rest.
   */
  private async editorProps(defaultCountry: string) {
    const contacts = await findContactChoices(
      Contact.query().whereNot('contacts.consent', 'opted_out'),
      '',
      defaultCountry
    )
    return {
      variables: await knownVariables(),
      contacts: contacts.map(serializeContactChoice),
      limits: { text: TEXT_LIMIT, caption: CAPTION_LIMIT },
      media: Object.fromEntries(
        Object.entries(MEDIA_RULES).map(([type, rule]) => [
          type,
          { mimes: rule.mimes, maxMb: rule.maxBytes / 1048576 },
        ])
      ),
    }
  }
}

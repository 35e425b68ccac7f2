import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
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
import { deleteTemplate, templateUsage } from '#services/templates/template_usage'

/**
 * Returns a validation error on one field of the editor, which the page
 * shows under that field while keeping what was typed.
 */
function fieldError(field: string, message: string) {
  return new vineErrors.E_VALIDATION_ERROR([{ field, message, rule: field }])
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

  async create({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    return inertia.render('templates/edit', { template: null, ...(await this.editorProps()) })
  }

  async edit({ params, inertia, bouncer }: HttpContext) {
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
      ...(await this.editorProps()),
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

  private async save({ request, session, i18n, logger }: HttpContext, template: Template) {
    const input = await request.validateUsing(templateValidator)
    const body = input.body ?? ''
    if (input.media) {
      const problem = mediaProblem(input.media)
      if (problem) {
        throw fieldError('media', i18n.t(problem.key, problem.values))
      }
    }

    const mediaType = input.media ? null : input.removeMedia ? null : template.mediaType
    const { problems } = await validateBody(body, input.media ? 'image' : mediaType)
    const clash = await Template.query()
      .where('name', input.name)
      .whereNull('archived_at')
      .if(template.$isPersisted, (query) => query.whereNot('id', template.id))
      .first()
    if (clash) {
      throw fieldError('name', i18n.t('templates.errors.name_taken', { name: input.name }))
    }
    if (problems.length > 0) {
      const messages = problems.map((problem) =>
        i18n.t(`templates.errors.${problem.code}`, { ...problem })
      )
      throw fieldError('body', messages.join('\n'))
    }

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

  private async editorProps() {
    // The page sorts the contacts in the interface language's order.
    // NOTE: SQLite orders names by bytes, so past 200 contacts it picks a different 200.
    const contacts = await Contact.query()
      .whereNot('consent', 'opted_out')
      .orderBy('name')
      .limit(200)
    return {
      variables: await knownVariables(),
      contacts: contacts.map((contact) => ({
        id: contact.id,
        name: contact.name,
        phone: contact.phone,
      })),
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

import Campaign from '#models/campaign'
import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import ContactList from '#models/contact_list'
import ContactTag from '#models/contact_tag'
import CustomField from '#models/custom_field'
import Segment from '#models/segment'
import { segmentValidator } from '#validators/audience'
import { countSegment } from '#services/segments/audience_query'
import {
  parseSegmentRules,
  segmentRulesMessage,
  SegmentRulesException,
  type SegmentGroup,
} from '#services/segments/segment_rules'
import { serializeField } from '#services/contacts/contact_serializer'

export default class SegmentsController {
  async create({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    return inertia.render('lists/segment', { segment: null, ...(await this.choices()) })
  }

  async edit({ params, inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const segment = await Segment.findOrFail(params.id)
    return inertia.render('lists/segment', {
      segment: { id: segment.id, name: segment.name, rules: segment.rules },
      ...(await this.choices()),
    })
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    const segment = await this.save(ctx, new Segment())
    return ctx.response.redirect(`/segments/${segment.id}`)
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    await this.save(ctx, await Segment.findOrFail(ctx.params.id))
    return ctx.response.redirect().back()
  }

  async destroy({ params, response, bouncer, session, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const segment = await Segment.findOrFail(params.id)
    await segment.delete()
    session.flash('success', i18n.t('lists.segment_deleted', { name: segment.name }))
    return response.redirect('/lists')
  }

  /**
   * Counts the audience of unsaved rules, for the live count of the editor.
   */
  async count({ request, response, bouncer, i18n }: HttpContext) {
    await bouncer.authorize('viewTenant')
    try {
      const rules = await parseSegmentRules(request.input('rules'))
      return response.json({ count: await countSegment(rules) })
    } catch (error) {
      if (error instanceof SegmentRulesException) {
        return response.unprocessableEntity({
          path: error.path,
          reason: error.reason,
          message: segmentRulesMessage(error, i18n),
        })
      }
      throw error
    }
  }

  /**
   * Validates the name and the rules, and saves them onto `segment`. Every
   * problem found, a name that is missing or taken and the first rule that
   * cannot be evaluated, raises one validation error under its field key
   * (`name`, `rules.1.rules.0`), so the editor shows each beside its field.
   */
  private async save({ request, session, i18n, logger }: HttpContext, segment: Segment) {
    const messages: { field: string; message: string; rule: string }[] = []
    let name: string | null = null
    try {
      const input = await request.validateUsing(segmentValidator)
      name = input.name
    } catch (error) {
      if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
      messages.push(...error.messages)
    }
    let rules: SegmentGroup | null = null
    try {
      rules = await parseSegmentRules(request.input('rules'))
    } catch (error) {
      if (!(error instanceof SegmentRulesException)) throw error
      for (const problem of [error, ...error.others]) {
        messages.push({
          field: problem.path,
          message: segmentRulesMessage(problem, i18n),
          rule: 'segmentRules',
        })
      }
    }
    if (name !== null) {
      const clash = await Segment.query()
        .where('name', name)
        .if(segment.$isPersisted, (query) => query.whereNot('id', segment.id))
        .first()
      if (clash) {
        messages.push({
          field: 'name',
          message: i18n.t('lists.name_taken', { name }),
          rule: 'unique',
        })
      }
    }
    if (name === null || rules === null || messages.length > 0) {
      throw new vineErrors.E_VALIDATION_ERROR(messages)
    }

    segment.merge({ name, rules })
    await segment.save()
    logger.info({ segmentId: segment.id }, 'segment saved')
    session.flash('success', i18n.t('lists.segment_saved'))
    return segment
  }

  private async choices() {
    const fields = await CustomField.query().orderBy('label')
    const lists = await ContactList.query().orderBy('name')
    // NOTE: SQLite orders names byte by byte, so past 500 tags it keeps another 500 than MariaDB.
    const tags = await ContactTag.query().distinct('name').orderBy('name').limit(500)
    const campaigns = await Campaign.query().orderBy('id', 'desc').select('id', 'name').limit(500)
    return {
      campaigns: campaigns.map((campaign) => ({ id: campaign.id, name: campaign.name })),
      fields: fields.map(serializeField),
      tags: tags.map((tag) => tag.name),
      lists: lists.map((list) => ({ id: list.id, name: list.name })),
    }
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import { optOutSettingsValidator, splitOptOutKeywords } from '#validators/audience'
import { audienceSettings, DEFAULT_OPT_OUT_KEYWORDS } from '#services/contacts/audience_settings'
import { recordAudit } from '#events/audit_record'
import { optOutConfirmationText } from '#services/contacts/opt_out_confirmation'

export default class AudienceSettingsController {
  async edit({ inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const settings = await audienceSettings()
    return inertia.render('contacts/opt_out', {
      keywords: settings.optOutKeywords,
      reply: optOutConfirmationText(settings, tenant.locale) ?? '',
      defaults: DEFAULT_OPT_OUT_KEYWORDS,
      canEdit: await bouncer.allows('manageTenant'),
    })
  }

  async update({ request, response, bouncer, session, i18n, logger }: HttpContext) {
    await bouncer.authorize('manageTenant')
    const input = await request.validateUsing(optOutSettingsValidator)
    const keywords = splitOptOutKeywords(input.keywords)
    const settings = await audienceSettings()
    const before = { keywords: settings.optOutKeywords, reply: settings.optOutReply }
    // An empty text is stored as '' (send no confirmation), apart from `null` (the default).
    settings.merge({ optOutKeywords: keywords, optOutReply: input.reply ?? '' })
    await settings.save()
    await recordAudit('settings.opt_out_changed', {
      targetType: 'audience_settings',
      targetId: settings.id,
      before,
      after: { keywords: settings.optOutKeywords, reply: settings.optOutReply },
    })
    logger.info({ keywords: keywords.length }, 'opt-out settings changed')
    session.flash('success', i18n.t('contacts.opt_out.saved'))
    return response.redirect().back()
  }
}

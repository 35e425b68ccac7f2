import type { HttpContext } from '@adonisjs/core/http'
import Campaign from '#models/campaign'
import {
  applyAction,
  actionsFor,
  CampaignStateException,
  type CampaignAction,
} from '#services/campaigns/campaign_states'

export default class CampaignStatesController {
  /**
   * Applies start, pause, resume or cancel. Answers JSON for the editor
   * and redirects back for the campaign list's forms.
   */
  static action(action: CampaignAction) {
    return async (ctx: HttpContext) => {
      const { params, bouncer, auth, request, response, session, i18n } = ctx
      await bouncer.authorize('designCampaigns')
      const campaign = await Campaign.findOrFail(params.id)
      try {
        const updated = await applyAction(campaign.id, action, auth.user!.id)
        if (request.accepts(['html', 'json']) === 'json') {
          return { state: updated.state, actions: actionsFor(updated.state) }
        }
        session.flash(
          'success',
          i18n.t(`campaigns.state_changed.${updated.state}`, { name: updated.name })
        )
        return response.redirect().back()
      } catch (error) {
        if (!(error instanceof CampaignStateException)) {
          throw error
        }
        const message = i18n.t(`campaigns.errors.${error.reason}`, {
          ...error.values,
          action: i18n.t(`campaigns.verbs.${action}`),
          state: i18n.t(`campaigns.states.${campaign.state}`),
        })
        if (request.accepts(['html', 'json']) === 'json') {
          return response.conflict({ code: error.code, reason: error.reason, message })
        }
        session.flashErrors({ E_CAMPAIGN_STATE: message })
        return response.redirect().back()
      }
    }
  }
}

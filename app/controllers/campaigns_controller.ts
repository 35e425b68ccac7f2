import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import ContactList from '#models/contact_list'
import Segment from '#models/segment'
import type Tenant from '#models/tenant'
import FlowVersion from '#models/flow_version'
import { campaignSettingsValidator, audienceCountValidator } from '#validators/campaigns'
import {
  applySettings,
  changedSettings,
  serializeSettings,
  settingsErrors,
  unknownChoices,
} from '#services/campaigns/campaign_settings'
import { countAudience } from '#services/campaigns/campaign_audience'
import { engineNow } from '#engine/clock'
import { quietHoursChanged } from '#engine/quiet_reevaluation'
import { actionsFor, startBlockers } from '#services/campaigns/campaign_states'
import { draftOf } from '#services/campaigns/flow_drafts'
import { storedTotals } from '#services/campaigns/campaign_totals'
import { offlineNumbers } from '#services/campaigns/campaign_numbers'
import { recordAudit } from '#events/audit_record'

/** States in which a campaign may be deleted: nothing runs and nothing will. */
const DELETABLE = ['draft', 'finished', 'cancelled']

export default class CampaignsController {
  async index({ inertia, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaigns = await Campaign.query().orderBy('created_at', 'desc').orderBy('id', 'desc')
    const versions = await FlowVersion.query()
      .whereIn(
        'id',
        campaigns.map((campaign) => campaign.currentVersionId ?? 0)
      )
      .select('id', 'number')
    const numbers = new Map(versions.map((version) => [version.id, version.number]))
    const runs = await storedTotals(campaigns.map((campaign) => campaign.id))
    const offline = await offlineNumbers(campaigns)
    return inertia.render('campaigns/index', {
      campaigns: campaigns.map((campaign) => ({
        id: campaign.id,
        name: campaign.name,
        state: campaign.state,
        version: campaign.currentVersionId
          ? (numbers.get(campaign.currentVersionId) ?? null)
          : null,
        startsAt: campaign.startsAt?.toISO() ?? null,
        startedAt: campaign.startedAt?.toISO() ?? null,
        actions: actionsFor(campaign.state),
        startBlockers: campaign.state === 'draft' ? startBlockers(campaign) : [],
        totals: runs.get(campaign.id)?.totals ?? null,
        held: runs.get(campaign.id)?.held ?? null,
        offline: offline.get(campaign.id) ?? null,
      })),
      canEdit: await bouncer.allows('designCampaigns'),
    })
  }

  async create({ inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    return inertia.render('campaigns/settings', {
      campaign: null,
      ...(await this.choices(tenant)),
    })
  }

  async store(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    const campaign = new Campaign()
    campaign.merge({ state: 'draft', createdBy: ctx.auth.user!.id })
    await this.save(ctx, campaign)
    await draftOf(campaign)
    await recordAudit('campaign.created', {
      targetType: 'campaign',
      targetId: campaign.id,
      after: { name: campaign.name },
    })
    return ctx.response.redirect(`/campaigns/${campaign.id}/flow`)
  }

  async edit({ params, inertia, bouncer, tenant }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const campaign = await Campaign.findOrFail(params.id)
    return inertia.render('campaigns/settings', {
      campaign: serializeSettings(campaign, tenant.timezone),
      canEdit: await bouncer.allows('designCampaigns'),
      ...(await this.choices(tenant)),
    })
  }

  async update(ctx: HttpContext) {
    await ctx.bouncer.authorize('designCampaigns')
    const campaign = await Campaign.findOrFail(ctx.params.id)
    const settings = await this.save(ctx, campaign)
    // Only the names of the changed settings are recorded: variables may hold
    // values the audit log should not keep, such as coupon codes.
    if (settings.length > 0) {
      await recordAudit('campaign.settings_changed', {
        targetType: 'campaign',
        targetId: campaign.id,
        after: { settings },
      })
    }
    return ctx.response.redirect().back()
  }

  async destroy({ params, response, bouncer, session, i18n }: HttpContext) {
    await bouncer.authorize('designCampaigns')
    const campaign = await Campaign.findOrFail(params.id)
    if (!DELETABLE.includes(campaign.state)) {
      session.flashErrors({ E_CAMPAIGN_STATE: i18n.t('campaigns.errors.delete_active') })
      return response.redirect().back()
    }
    await campaign.delete()
    await recordAudit('campaign.deleted', {
      targetType: 'campaign',
      targetId: campaign.id,
      before: { name: campaign.name },
    })
    session.flash('success', i18n.t('campaigns.deleted', { name: campaign.name }))
    return response.redirect('/campaigns')
  }

  /** Counts the reachable contacts of an unsaved audience, for the live count of the form. */
  async countAudience({ request, bouncer }: HttpContext) {
    await bouncer.authorize('viewTenant')
    const input = await request.validateUsing(audienceCountValidator)
    return { count: await countAudience(input.listIds, input.segmentIds) }
  }

  /**
   * Validates the form and saves it onto `campaign`, and returns the names
   * of the settings that changed on a stored campaign. Errors of the rules
   * between fields and unknown choices raise the same validation error as
   * the schema does, so every message reaches the form under its field key.
   */
  private async save({ request, session, i18n, logger, tenant }: HttpContext, campaign: Campaign) {
    const input = await request.validateUsing(campaignSettingsValidator)
    const times = { now: await engineNow(), storedStartsAt: campaign.startsAt }
    const failures = [
      ...Object.entries(settingsErrors(input, tenant.timezone, times)),
      ...Object.entries(await unknownChoices(input)),
    ]
    if (failures.length > 0) {
      throw new vineErrors.E_VALIDATION_ERROR(
        failures.map(([field, { key, values }]) => ({
          field,
          rule: 'settings',
          message: i18n.t(key, values),
        }))
      )
    }
    const quietHoursBefore = JSON.stringify(campaign.quietHours ?? null)
    applySettings(campaign, input, tenant.timezone)
    const changed = changedSettings(campaign)
    await campaign.save()
    logger.info({ campaignId: campaign.id }, 'campaign settings saved')
    const started = campaign.state === 'running' || campaign.state === 'paused'
    if (started && JSON.stringify(campaign.quietHours) !== quietHoursBefore) {
      // The contacts waiting for the old quiet hours to end go by the new ones.
      await quietHoursChanged({ tenantId: tenant.id, campaignId: campaign.id })
    }
    session.flash('success', i18n.t('campaigns.saved'))
    return changed
  }

  /** Options of the settings form, with the tenant's quiet hours that the campaign may keep. */
  private async choices(tenant: Tenant) {
    const lists = await ContactList.query().orderBy('name').select('id', 'name')
    const segments = await Segment.query().orderBy('name').select('id', 'name')
    const instances = await ChannelInstance.query().orderBy('name').select('id', 'name', 'status')
    return {
      timeZone: tenant.timezone,
      tenantQuietHours: tenant.quietHours,
      lists: lists.map((list) => ({ id: list.id, name: list.name })),
      segments: segments.map((segment) => ({ id: segment.id, name: segment.name })),
      instances: instances.map((instance) => ({
        id: instance.id,
        name: instance.name,
        status: instance.status,
      })),
    }
  }
}

import type { HttpContext } from '@adonisjs/core/http'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import Membership from '#models/membership'
import { storedTotals } from '#services/campaigns/campaign_totals'
import { offlineNumbers } from '#services/campaigns/campaign_numbers'
import { unreadCounts } from '#services/inbox/inbox_queries'
import { messageDays } from '#services/dashboard/dashboard_figures'

/** Campaigns the dashboard lists: the ones sending, paused or waiting for their start. */
const CURRENT_STATES = ['running', 'paused', 'scheduled'] as const

/** Campaigns listed at most; the campaigns page has the rest. */
const CAMPAIGN_LIMIT = 6

export default class DashboardController {
  async show({ inertia, tenant }: HttpContext) {
    const [members, campaigns, instances, unread, days] = await Promise.all([
      Membership.query().count('* as total').first(),
      Campaign.query()
        .whereIn('state', [...CURRENT_STATES])
        .orderByRaw(`case state when 'running' then 0 when 'paused' then 1 else 2 end`)
        .orderBy('id', 'desc')
        .limit(CAMPAIGN_LIMIT),
      ChannelInstance.query().orderBy('name').select('id', 'name', 'channel', 'status'),
      unreadCounts(),
      messageDays(tenant.id, tenant.timezone),
    ])
    const runs = await storedTotals(campaigns.map((campaign) => campaign.id))
    const offline = await offlineNumbers(campaigns)
    return inertia.render('dashboard', {
      memberCount: Number(members?.$extras.total ?? 0),
      days,
      unread,
      campaigns: campaigns.map((campaign) => ({
        id: campaign.id,
        name: campaign.name,
        state: campaign.state,
        startsAt: campaign.startsAt?.toISO() ?? null,
        totals: runs.get(campaign.id)?.totals ?? null,
        held: runs.get(campaign.id)?.held ?? null,
        offline: offline.get(campaign.id) ?? null,
      })),
      connections: instances.map((instance) => ({
        id: instance.id,
        name: instance.name,
        channel: instance.channel,
        status: instance.status,
      })),
    })
  }
}

import ChannelInstance from '#models/channel_instance'
import type { CampaignOffline } from '#flow/progress'

/** The part of a campaign that names its numbers. */
interface CampaignNumbers {
  id: number
  channelInstanceIds: number[]
}

/**
 * Finds, for each campaign, its numbers whose channel instance is not
 * connected (status other than `open`), by campaign id. A campaign whose
 * numbers are all connected has no entry. Runs inside the tenant scope.
 *
 * NOTE: only the campaign's own numbers count. A send step pinned to
 * another number (its `instanceId` setting) is not checked.
 */
export async function offlineNumbers(campaigns: CampaignNumbers[]) {
  const ids = [...new Set(campaigns.flatMap((campaign) => campaign.channelInstanceIds))]
  const offline = new Map<number, CampaignOffline>()
  if (ids.length === 0) {
    return offline
  }
  const instances = await ChannelInstance.query().whereIn('id', ids).select('id', 'name', 'status')
  const byId = new Map(instances.map((instance) => [instance.id, instance]))
  for (const campaign of campaigns) {
    const numbers = campaign.channelInstanceIds
      .map((id) => byId.get(id))
      .filter((instance) => instance !== undefined && instance.status !== 'open')
      .map((instance) => ({ id: instance!.id, name: instance!.name, status: instance!.status }))
    if (numbers.length > 0) {
      offline.set(campaign.id, {
        numbers,
        all: numbers.length === campaign.channelInstanceIds.length,
      })
    }
  }
  return offline
}

import type { CampaignOffline } from '~/components/flow/flow_types'

type Translate = (key: string, values?: Record<string, string | number>) => string

/**
 * Builds the question a member confirms before starting a campaign. When
 * none of the campaign's numbers is connected, it starts with a warning
 * that nothing is sent until one reconnects: the start is still allowed.
 */
export function startQuestion(t: Translate, name: string, offline: CampaignOffline | null) {
  const question = t('campaigns.confirm.start', { name })
  if (!offline?.all) {
    return question
  }
  const names = offline.numbers.map((number) => `“${number.name}”`).join(', ')
  const warning = t('campaigns.offline_start_warning', { count: offline.numbers.length, names })
  return `${warning}\n\n${question}`
}

import { onBeforeUnmount, ref } from 'vue'
import { Transmit } from '@adonisjs/transmit-client'
import type { CampaignProgress } from './flow_types'

let client: Transmit | null = null

function transmit() {
  client ??= new Transmit({ baseUrl: window.location.origin })
  return client
}

/**
 * Follows a campaign's live progress on
 * `tenants/<tenantId>/campaigns/<campaignId>/progress`. Each message contains
 * the full counts, so the latest one is all the overlay needs. `stored` is
 * the progress the engine last stored, shown until the first message.
 */
export function useCampaignProgress(
  tenantId: number,
  campaignId: number,
  stored: CampaignProgress | null = null
) {
  const progress = ref<CampaignProgress | null>(stored)
  const subscription = transmit().subscription(
    `tenants/${tenantId}/campaigns/${campaignId}/progress`
  )
  const stop = subscription.onMessage<CampaignProgress>((payload) => {
    progress.value = payload
  })
  subscription.create().catch(() => {
    // NOTE: without the subscription the overlay stays empty; the campaign itself is unaffected.
  })
  onBeforeUnmount(() => {
    stop()
    subscription.delete().catch(() => {})
  })
  return progress
}

import { onBeforeUnmount } from 'vue'
import { router, usePage } from '@inertiajs/vue3'
import { followChannel } from '~/lib/live_channels'
import type { SharedProps } from '~/types'

/** How long a page waits for more state changes before it reloads, in milliseconds. */
const RELOAD_DELAY_MS = 250

/**
 * Reloads the page's `props` when a campaign of the tenant changes state
 * (started, paused, resumed, cancelled, finished), by a member on another
 * page, the API, the scheduler or the engine. Changes that arrive together
 * cause one reload.
 */
export function useCampaignStates(props: string[]) {
  const tenant = usePage<SharedProps>().props.tenant
  if (!tenant) {
    return
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const { stop } = followChannel(`tenants/${tenant.id}/campaigns`, () => {
    clearTimeout(timer)
    timer = setTimeout(() => router.reload({ only: props }), RELOAD_DELAY_MS)
  })
  onBeforeUnmount(() => {
    clearTimeout(timer)
    stop()
  })
}

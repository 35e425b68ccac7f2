import { onBeforeUnmount } from 'vue'
import { router, usePage } from '@inertiajs/vue3'
import { followChannel } from '~/lib/live_channels'
import type { SharedProps } from '~/types'

/** How long a page waits for more events before it reloads, in milliseconds. */
const RELOAD_DELAY_MS = 250

/**
 * Reloads the page's `props` when the tenant's channel `tenants/<id>/<topic>`
 * carries an event that `accept` takes, such as a campaign's state change
 * made on another page, by the API, the scheduler or the engine. Events
 * that arrive together cause one reload, and the props come through the
 * page's own route, which checks the member's role.
 */
export function useLiveReload(
  topic: string,
  props: string[],
  accept: (event: unknown) => boolean = () => true
) {
  const tenant = usePage<SharedProps>().props.tenant
  if (!tenant) {
    return
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const { stop } = followChannel(`tenants/${tenant.id}/${topic}`, (event) => {
    if (!accept(event)) {
      return
    }
    clearTimeout(timer)
    timer = setTimeout(() => router.reload({ only: props }), RELOAD_DELAY_MS)
  })
  onBeforeUnmount(() => {
    clearTimeout(timer)
    stop()
  })
}

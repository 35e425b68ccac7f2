import { onBeforeUnmount, onMounted, ref, watch } from 'vue'
import { usePage } from '@inertiajs/vue3'
import { followChannel } from '~/lib/live_channels'
import type { SharedProps } from '~/types'

/** The unread totals event of the inbox's channel. */
export interface UnreadEvent {
  type: 'unread'
  unread: { conversations: number; messages: number }
  /** When the server started the count, in epoch milliseconds. */
  countedAt: number
}

/**
 * Returns a filter that passes unread totals in the order they were
 * counted: two counts made at nearly the same time can arrive swapped, and
 * the older one would show a stale number.
 */
export function newestUnread() {
  let newest = 0
  return (event: UnreadEvent) => {
    if (event.countedAt < newest) {
      return false
    }
    newest = event.countedAt
    return true
  }
}

export function isUnreadEvent(event: unknown): event is UnreadEvent {
  return (event as { type?: unknown } | null)?.type === 'unread'
}

/**
 * Returns the count of the tenant's unread conversations for the inbox
 * badge: the server's count on every page load, then the totals the
 * inbox's channel broadcasts. It follows the channel of the current tenant
 * and stays `null` for a user who does not read the inbox.
 */
export function useInboxUnread() {
  const page = usePage<SharedProps>()
  const count = ref<number | null>(page.props.inboxUnread)
  let stop: (() => void) | undefined
  const isNewest = newestUnread()

  /** The tenant whose inbox the badge follows, `null` when it follows none. */
  const followedTenant = () =>
    page.props.inboxUnread === null ? null : (page.props.tenant?.id ?? null)

  function follow() {
    stop?.()
    stop = undefined
    const tenantId = followedTenant()
    if (tenantId === null) {
      return
    }
    stop = followChannel(`tenants/${tenantId}/inbox`, (event) => {
      if (isUnreadEvent(event) && isNewest(event)) {
        count.value = event.unread.conversations
      }
    }).stop
  }

  watch(
    () => page.props.inboxUnread,
    (value) => (count.value = value)
  )
  watch(followedTenant, follow)
  onMounted(follow)
  onBeforeUnmount(() => stop?.())
  return count
}

import { onBeforeUnmount, onMounted } from 'vue'
import { usePage } from '@inertiajs/vue3'
import { followChannel } from '~/lib/live_channels'
import type { SharedProps } from '~/types'

/** An instance as the server serializes it. */
export interface LiveInstance {
  id: number
  name: string
  channel: string
  status: string
  statusAt: string | null
  statusReason: string | null
  pairing:
    | { kind: 'qr'; qr: string; expiresAt: string | null }
    | { kind: 'code'; code: string; expiresAt: string | null }
    | null
  accountAddress: string | null
  accountName: string | null
  lastError: string | null
  pausedForHealth: boolean
}

export interface LiveMessage {
  id: number
  direction: 'in' | 'out'
  instanceId: number
  contactId: number | null
  address: string
  body: string | null
  status: string
  createdAt: string
  failureCode: string | null
}

export type InstanceEvent =
  | { type: 'instance'; instance: LiveInstance }
  | { type: 'deleted'; instanceId: number }
  | { type: 'message'; message: LiveMessage }

/**
 * Subscribes, while the component is mounted, to the Transmit channels of
 * the tenant's instances: `instances` for the list, or `instances/<id>` for
 * one instance's status and messages. Members who manage connections follow
 * `managed/instances` and `managed/instances/<id>` for the statuses with
 * the pairing data (QR code or pairing code).
 */
export function useInstanceUpdates(
  topic: () => string | null,
  onEvent: (event: InstanceEvent) => void
) {
  const page = usePage<SharedProps>()
  const stops: (() => void)[] = []
  let current: string | null = null
  let created: Promise<void> = Promise.resolve()

  /** Subscribes to the current topic. Resolves once the server has registered the subscription. */
  function follow() {
    const suffix = topic()
    if (suffix === current) {
      return created
    }
    stops.splice(0).forEach((stop) => stop())
    current = suffix
    if (!suffix) {
      created = Promise.resolve()
      return created
    }
    const channel = followChannel(`tenants/${page.props.tenant?.id}/${suffix}`, (event) =>
      onEvent(event as InstanceEvent)
    )
    stops.push(channel.stop)
    created = channel.created
    return created
  }

  onMounted(follow)
  onBeforeUnmount(() => {
    stops.splice(0).forEach((stop) => stop())
  })
  return { follow }
}

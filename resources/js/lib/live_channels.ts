import { Transmit, type Subscription } from '@adonisjs/transmit-client'

let client: Transmit | undefined

function eventsOf(event: unknown): unknown[] {
  const batch = event as { type?: unknown; events?: unknown }
  return batch?.type === 'batch' && Array.isArray(batch.events) ? batch.events : [event]
}

/** Deletions of subscriptions still in flight, by channel. */
const deleting = new Map<string, Promise<void>>()

/**
 * Follows a Transmit channel over the page's one event stream, which every
 * component shares. Returns a function that removes the handler, and the
 * promise of the server-side subscription. The subscription is deleted
 * once its last handler is removed. Events the server sent together as
 * `{ type: 'batch', events }` reach `onEvent` one by one, in order.
 */
export function followChannel(channel: string, onEvent: (event: unknown) => void) {
  client ??= new Transmit({ baseUrl: window.location.origin })
  const transmit = client
  let subscription: Subscription | undefined
  let removeHandler: (() => void) | undefined
  let stopped = false

  function attach() {
    subscription = transmit.subscription(channel)
    removeHandler = subscription.onMessage((event) => {
      for (const unpacked of eventsOf(event)) onEvent(unpacked)
    })
    return subscription.create()
  }

  // A subscription being deleted would drop a new handler with it, so a
  // follower waits until it is gone and then subscribes anew.
  const pending = deleting.get(channel)
  let created: Promise<void>
  if (pending) {
    created = pending.then(() => {
      if (!stopped) {
        return attach()
      }
    })
  } else {
    created = attach()
  }

  function stop() {
    stopped = true
    removeHandler?.()
    removeHandler = undefined
    if (!subscription || subscription.handlerCount > 0 || deleting.has(channel)) {
      return
    }
    const deletion = subscription.delete().finally(() => deleting.delete(channel))
    deleting.set(channel, deletion)
  }

  return { stop, created }
}

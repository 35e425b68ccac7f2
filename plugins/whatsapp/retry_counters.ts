/**
 * Baileys' retry counters (`msgRetryCounterCache`): how often each message
 * was re-sent after a recipient's retry receipt. One cache per instance,
 * kept in the process across sockets and drivers, so a reconnect does not
 * reset the counts and let a message be re-sent without limit.
 */

/** How long a counter lives, in milliseconds: Baileys' own default for this cache. */
const TTL_MS = 60 * 60 * 1000

class TtlCache {
  #entries = new Map<string, { value: unknown; expiresAt: number }>()

  get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key)
    if (!entry) {
      return undefined
    }
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value as T
  }

  set<T>(key: string, value: T) {
    this.#entries.set(key, { value, expiresAt: Date.now() + TTL_MS })
    this.#sweep()
  }

  del(key: string) {
    this.#entries.delete(key)
  }

  flushAll() {
    this.#entries.clear()
  }

  get size() {
    return this.#entries.size
  }

  /** Drops expired entries once the map grows, so an idle instance does not keep them. */
  #sweep() {
    if (this.#entries.size % 500 !== 0) {
      return
    }
    const now = Date.now()
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key)
      }
    }
  }
}

const caches = new Map<number, TtlCache>()

/** The retry counter cache of an instance, made on first use. */
export function retryCountersOf(instanceId: number) {
  let cache = caches.get(instanceId)
  if (!cache) {
    cache = new TtlCache()
    caches.set(instanceId, cache)
  }
  return cache
}

/** Forgets an instance's counters, after it was logged out or deleted. */
export function forgetRetryCounters(instanceId: number) {
  caches.delete(instanceId)
}

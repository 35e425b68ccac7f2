import type { NumberLookup } from './baileys_adapter.js'

export interface ResolverOptions {
  /** How long a number found on WhatsApp stays cached, in milliseconds. @default 86400000 (1 day) */
  foundTtlMs: number
  /** How long a number not on WhatsApp stays cached, in milliseconds. @default 3600000 (1 hour) */
  missingTtlMs: number
  /** Minimum time between two lookups sent to WhatsApp, in milliseconds. @default 250 */
  minIntervalMs: number
  /** Entries kept before the oldest are dropped. @default 50000 */
  maxEntries: number
}

export const DEFAULT_RESOLVER_OPTIONS: ResolverOptions = {
  foundTtlMs: 24 * 60 * 60 * 1000,
  missingTtlMs: 60 * 60 * 1000,
  minIntervalMs: 250,
  maxEntries: 50_000,
}

/**
 * Resolves E.164 numbers to the JID WhatsApp uses for them, through
 * `onWhatsApp`, before the first send to each. Results are cached per
 * instance; lookups leave one at a time, at most one per `minIntervalMs`,
 * and concurrent requests for one number share a lookup.
 */
export class RecipientResolver {
  #cache = new Map<string, { result: NumberLookup; expiresAt: number }>()
  #inFlight = new Map<string, Promise<NumberLookup>>()
  #queue: Promise<unknown> = Promise.resolve()
  #lastLookupAt = 0
  #lookups = 0
  private options: ResolverOptions

  constructor(
    private lookup: (phone: string) => Promise<NumberLookup>,
    options: Partial<ResolverOptions> = {}
  ) {
    this.options = { ...DEFAULT_RESOLVER_OPTIONS, ...options }
  }

  /** Lookups sent to WhatsApp so far, for tests and metrics. */
  get lookups() {
    return this.#lookups
  }

  /** Replaces the function that queries WhatsApp, after a new socket opened. */
  useLookup(lookup: (phone: string) => Promise<NumberLookup>) {
    this.lookup = lookup
  }

  async resolve(phone: string): Promise<NumberLookup> {
    const cached = this.#cache.get(phone)
    if (cached && cached.expiresAt > Date.now()) {
      return cached.result
    }
    const running = this.#inFlight.get(phone)
    if (running) {
      return running
    }
    const pending = this.#throttled(phone).finally(() => this.#inFlight.delete(phone))
    this.#inFlight.set(phone, pending)
    return pending
  }

  /** Records what is known of a number without asking WhatsApp (from an inbound message). */
  remember(result: NumberLookup) {
    this.#store(result)
  }

  #throttled(phone: string) {
    const task = this.#queue.then(async () => {
      const wait = this.#lastLookupAt + this.options.minIntervalMs - Date.now()
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
      this.#lastLookupAt = Date.now()
      this.#lookups += 1
      const result = await this.lookup(phone)
      this.#store(result)
      return result
    })
    this.#queue = task.catch(() => undefined)
    return task
  }

  #store(result: NumberLookup) {
    const ttl = result.exists ? this.options.foundTtlMs : this.options.missingTtlMs
    this.#cache.delete(result.phone)
    this.#cache.set(result.phone, { result, expiresAt: Date.now() + ttl })
    if (this.#cache.size > this.options.maxEntries) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) {
        this.#cache.delete(oldest)
      }
    }
  }
}

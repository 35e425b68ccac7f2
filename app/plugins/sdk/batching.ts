/** Options of a `KeyedBatcher`. */
export interface BatcherOptions {
  /** Most items one flush handles; more wait for the next flush. Default 500. */
  maxItems?: number
  /**
   * How long the first request of an idle key waits for others before its
   * flush starts, in milliseconds. Requests that arrive one by one, such
   * as receipts or jobs a worker fetched in turn, then share a flush.
   * Default 0: the flush starts after the current event loop turn.
   */
  windowMs?: number
}

interface PendingBatch<Item, Result> {
  items: Item[]
  waiters: { resolve(result: Result): void; reject(error: unknown): void }[]
}

/**
 * Gathers concurrent requests of one key (such as a tenant) and runs them
 * together: `flush(key, items)` runs once for every item added while no
 * flush of that key was running, and once more for the items added during
 * it. Each `add` resolves with the flush's result, or rejects with its
 * error, once the flush that took its item settled.
 *
 * A flush starts in the event loop's check phase (`setImmediate`), after
 * the I/O callbacks of the current turn, so the jobs whose queries returned
 * in the same turn add their next requests to one batch. A lone request
 * waits for no timer. A flush always starts after
 * every item it handles was added, so it reads the state of the database
 * as recent as one query per item would.
 */
export class KeyedBatcher<Key, Item, Result> {
  #pending = new Map<Key, PendingBatch<Item, Result>>()
  #running = new Set<Key>()
  #maxItems: number
  #windowMs: number

  constructor(
    private flush: (key: Key, items: Item[]) => Promise<Result>,
    options: BatcherOptions = {}
  ) {
    this.#maxItems = options.maxItems ?? 500
    this.#windowMs = options.windowMs ?? 0
  }

  add(key: Key, item: Item): Promise<Result> {
    let batch = this.#pending.get(key)
    if (!batch) {
      batch = { items: [], waiters: [] }
      this.#pending.set(key, batch)
    }
    batch.items.push(item)
    const settled = new Promise<Result>((resolve, reject) => {
      batch.waiters.push({ resolve, reject })
    })
    if (!this.#running.has(key)) {
      this.#running.add(key)
      if (this.#windowMs > 0) {
        setTimeout(() => void this.#drain(key), this.#windowMs)
      } else {
        setImmediate(() => void this.#drain(key))
      }
    }
    return settled
  }

  /** Flushes the key's pending batches one after the other until none is left. */
  async #drain(key: Key) {
    for (;;) {
      const batch = this.#take(key)
      if (!batch) {
        this.#running.delete(key)
        return
      }
      try {
        const result = await this.flush(key, batch.items)
        for (const waiter of batch.waiters) waiter.resolve(result)
      } catch (error) {
        for (const waiter of batch.waiters) waiter.reject(error)
      }
    }
  }

  #take(key: Key) {
    const batch = this.#pending.get(key)
    if (!batch) {
      return null
    }
    if (batch.items.length <= this.#maxItems) {
      this.#pending.delete(key)
      return batch
    }
    const taken = {
      items: batch.items.splice(0, this.#maxItems),
      waiters: batch.waiters.splice(0, this.#maxItems),
    }
    return taken
  }
}

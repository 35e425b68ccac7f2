/** Inbound keys remembered per instance, enough for WhatsApp's redeliveries after a reconnect. */
const MAX_KEYS = 10_000

/**
 * Recognises an inbound message WhatsApp delivers again (after a reconnect
 * or a retry), by chat, participant and message id, so it is reported
 * once. The core also stores each provider message id once; this keeps
 * repeats from reaching it at all.
 */
export class InboundDeduplicator {
  #seen = new Set<string>()

  /** Whether this is the first time the message is seen; records it. */
  first(chat: string, participant: string | null, id: string) {
    const key = `${chat}|${participant ?? ''}|${id}`
    if (this.#seen.has(key)) {
      return false
    }
    this.#seen.add(key)
    if (this.#seen.size > MAX_KEYS) {
      const oldest = this.#seen.values().next().value
      if (oldest !== undefined) {
        this.#seen.delete(oldest)
      }
    }
    return true
  }
}

import type { Logger } from '@adonisjs/core/logger'

/**
 * Logs the progress of a long step at most once per `intervalMs`, and once
 * more when it ends, so an operator sees that a large dump or copy advances.
 */
export class ProgressLog {
  #done = 0
  #lastLogAt = Date.now()

  constructor(
    private logger: Logger,
    /** Log message, such as `copying files`. */
    private message: string,
    /** Unit of `done` and `total`, such as `bytes` or `files`. */
    private unit: string,
    /** Expected amount, when known in advance. */
    private total?: number,
    private intervalMs = 2000
  ) {}

  /** Adds `amount` to what is done and logs when the interval has passed. */
  advance(amount: number) {
    this.#done += amount
    if (Date.now() - this.#lastLogAt >= this.intervalMs) {
      this.#log()
    }
  }

  /** Logs the final amount. */
  finish() {
    this.#log()
    return this.#done
  }

  #log() {
    this.#lastLogAt = Date.now()
    this.logger.info({ unit: this.unit, done: this.#done, total: this.total }, this.message)
  }
}

import { DateTime } from 'luxon'
import type { Logger } from '@adonisjs/core/logger'
import type WorkspaceDeletion from '#models/workspace_deletion'
import { broadcastDeletion } from '#services/workspaces/deletion_records'
import {
  deletionPercent,
  type DeletionProgress,
  type DeletionStep,
} from '#services/workspaces/deletion_progress'

/**
 * Minimum time between two stores of the rows a deletion removed, in
 * milliseconds. A step's start and end are stored at once.
 */
const ROWS_FLUSH_INTERVAL_MS = 250

/**
 * Keeps one run of a deletion's progress: stores it on the deletion's row,
 * so a page opened later and a run after a crash read it, and broadcasts
 * it to the pages that follow the deletion.
 */
export class DeletionTracker {
  #progress: DeletionProgress
  #flushedAt = 0

  constructor(
    readonly deletion: WorkspaceDeletion,
    readonly logger: Logger
  ) {
    this.#progress = structuredClone(deletion.progress)
  }

  get progress(): Readonly<DeletionProgress> {
    return this.#progress
  }

  /** Marks the start of a run, with the tenant's instance ids and the rows left per table. */
  async begin(instanceIds: number[], rowsLeft: Record<string, number>) {
    const known = new Set([...this.#progress.instanceIds, ...instanceIds])
    this.#progress.instanceIds = [...known].sort((a, b) => a - b)
    for (const [table, remaining] of Object.entries(rowsLeft)) {
      const counts = (this.#progress.tables[table] ??= { total: 0, removed: 0 })
      counts.total = counts.removed + remaining
    }
    this.deletion.merge({
      status: 'running',
      attempts: this.deletion.attempts + 1,
      startedAt: this.deletion.startedAt ?? DateTime.utc(),
    })
    await this.#flush()
  }

  async startStep(step: DeletionStep) {
    const state = this.#progress.steps[step]
    // A step that an earlier run finished runs again, and stays shown as done.
    if (state.state !== 'done') {
      state.state = 'running'
    }
    this.deletion.step = step
    await this.#flush()
  }

  async finishStep(step: DeletionStep, count: number) {
    const state = this.#progress.steps[step]
    state.state = 'done'
    state.count += count
    await this.#flush()
  }

  /** Adds rows deleted from `table`. Stored at most every ROWS_FLUSH_INTERVAL_MS. */
  async rowsDeleted(table: string, count: number) {
    if (count === 0) {
      return
    }
    const counts = (this.#progress.tables[table] ??= { total: 0, removed: 0 })
    counts.removed += count
    counts.total = Math.max(counts.total, counts.removed)
    if (Date.now() - this.#flushedAt >= ROWS_FLUSH_INTERVAL_MS) {
      await this.#flush()
    }
  }

  /** Adds what the plugins' tenant deletion handlers reported removing. */
  addPluginCounts(counts: Record<string, Record<string, number>>) {
    for (const [plugin, removed] of Object.entries(counts)) {
      const total = (this.#progress.plugins[plugin] ??= {})
      for (const [name, count] of Object.entries(removed)) {
        total[name] = (total[name] ?? 0) + count
      }
    }
  }

  /** Stores the error that stopped this run; it stays until a run finishes the deletion. */
  async fail(error: unknown) {
    this.deletion.lastError = String((error as Error)?.message ?? error).slice(0, 2000)
    await this.#flush()
  }

  async finish() {
    this.deletion.merge({
      status: 'finished',
      step: null,
      lastError: null,
      finishedAt: DateTime.utc(),
    })
    await this.#flush()
  }

  async #flush() {
    this.#progress.percent = deletionPercent(this.#progress, this.deletion.status === 'finished')
    this.deletion.progress = structuredClone(this.#progress)
    await this.deletion.save()
    this.#flushedAt = Date.now()
    broadcastDeletion(this.deletion)
  }
}

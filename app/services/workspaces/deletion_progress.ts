/** The steps of a workspace deletion, in the order they run. */
export const DELETION_STEPS = [
  'campaigns',
  'instances',
  'jobs',
  'plugins',
  'files',
  'rows',
] as const

export type DeletionStep = (typeof DELETION_STEPS)[number]

export type DeletionStatus = 'queued' | 'running' | 'finished'

export type StepState = 'pending' | 'running' | 'done'

/**
 * How far a workspace deletion got, stored on its `workspace_deletions` row
 * and broadcast as it changes. Counts add up over every run of the job, so
 * a deletion that a crash interrupted keeps what its first run removed.
 */
export interface DeletionProgress {
  /** Each step's state, and how many things it stopped or removed. */
  steps: Record<DeletionStep, { state: StepState; count: number }>
  /**
   * Rows of the tenant per table: `total` when the job counted them (what
   * was deleted before plus what remained), `removed` so far.
   */
  tables: Record<string, { total: number; removed: number }>
  /** Counts each plugin's tenant deletion handler reported removing, by plugin name. */
  plugins: Record<string, Record<string, number>>
  /** Ids of the tenant's channel instances, as its first run found them. */
  instanceIds: number[]
  /** Share of the work done, from 0 to 100; it never goes back. */
  percent: number
}

export function emptyProgress(): DeletionProgress {
  return {
    steps: Object.fromEntries(
      DELETION_STEPS.map((step) => [step, { state: 'pending', count: 0 }])
    ) as DeletionProgress['steps'],
    tables: {},
    plugins: {},
    instanceIds: [],
    percent: 0,
  }
}

/** Sums the rows counted and removed over every table. */
export function rowTotals(progress: DeletionProgress) {
  let total = 0
  let removed = 0
  for (const table of Object.values(progress.tables)) {
    total += table.total
    removed += Math.min(table.removed, table.total)
  }
  return { total, removed }
}

/** Rows one step weighs as, per row of the workspace: each step is about 2% of the work. */
const STEP_WEIGHT_PER_ROW = 1 / 50

/**
 * Computes the share of a deletion done. Each row deleted is one unit of
 * work, and each step finished weighs as 2% of the rows (at least one
 * unit). So a large workspace moves with its rows and a small one with its
 * steps. The share stays below 100 until the deletion finished, and never
 * goes below what was shown before.
 */
export function deletionPercent(progress: DeletionProgress, finished: boolean) {
  if (finished) {
    return 100
  }
  const steps = Object.values(progress.steps)
  const stepsDone = steps.filter((step) => step.state === 'done').length
  const rows = rowTotals(progress)
  const stepWeight = Math.max(1, Math.ceil(rows.total * STEP_WEIGHT_PER_ROW))
  const done = stepsDone * stepWeight + rows.removed
  const share = Math.floor((100 * done) / (steps.length * stepWeight + rows.total))
  return Math.max(progress.percent, Math.min(99, share))
}

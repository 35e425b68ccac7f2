/** Stages of the funnel, in the order the chart and table show them. */
export const FUNNEL_STAGES = [
  'enrolled',
  'sent',
  'delivered',
  'read',
  'replied',
  'failed',
  'cancelled',
  'opted_out',
] as const

/** Stages a volume chart and the per-instance and per-node tables show. */
export const TABLE_STAGES = [
  'sent',
  'delivered',
  'read',
  'replied',
  'failed',
  'cancelled',
  'opted_out',
] as const

/** Figures of one report row by stage; a stage without a figure reads as zero. */
export type Counts = { [stage in (typeof FUNNEL_STAGES)[number] | 'queued' | 'received']?: number }

/** A row of a counts table: its key, its label in the first column and an optional detail. */
export type CountsRow = Counts & { key: string; label: string; detail?: string }

/**
 * State of the range form besides the range: the days as typed, the
 * translated errors by field and the quick choices.
 */
export interface RangeForm {
  input: { from: string; to: string }
  errors: Partial<Record<'from' | 'to', string>>
  /** Quick choices, each ending today in the tenant's time zone. */
  presets: { key: string; from: string; to: string }[]
}

/** A campaign's failures of one failure code; `code` is `null` for failures counted without one. */
export interface FailureReasonRow {
  code: string | null
  /** Whether `reports.failure_reasons` describes the code. */
  explained: boolean
  failed: number
}

/** A row of the per-step table: a step in flow order, its counts and every exit it has. */
export interface StepRow extends Counts {
  id: string
  /** The step's name as the flow editor shows it. */
  name: string
  waiting: number
  goals: number
  /** The step's exits in the editor's order, with the journeys that left through each. */
  exits: { port: string; label: string; journeys: number }[]
}

/**
 * Returns the figure of `key` in a report row, zero when the row has none.
 */
export function countOf(row: object, key: string) {
  const value = (row as Record<string, unknown>)[key]
  return typeof value === 'number' ? value : 0
}

/** Colours per stage, shared by every chart so a stage looks the same everywhere. */
export const STAGE_COLOURS: Record<string, string> = {
  enrolled: '#5f6b76',
  queued: '#9aa5b1',
  sent: '#128c7e',
  delivered: '#34b7f1',
  read: '#075e54',
  replied: '#7b61ff',
  failed: '#c62828',
  cancelled: '#b0bec5',
  opted_out: '#f29900',
  received: '#8d6e63',
}

/**
 * Formatters of report figures for a locale: counts, shares, and the hour
 * (UTC keys, shown in the tenant's time zone) and day keys of buckets. Dates
 * use the medium style the rest of the interface uses ("Dec 5, 2026").
 * Plain functions rather than a composable, because the server's type
 * check compiles every `.ts` file of a plugin and cannot resolve `~/`.
 */
export function reportFormatters(locale: string) {
  const counts = new Intl.NumberFormat(locale)
  const shares = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })

  return {
    count: (value: number) => counts.format(value),
    share: (part: number, whole: number) => (whole === 0 ? '–' : shares.format(part / whole)),
    hour: (bucket: string, timeZone: string) =>
      new Intl.DateTimeFormat(locale, {
        timeZone,
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(`${bucket}:00:00Z`)),
    day: (bucket: string) =>
      new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' }).format(
        new Date(`${bucket}T00:00:00Z`)
      ),
  }
}

/**
 * Shapes the flow editor shares with the server: the draft graph as
 * `app/flow/flow_graph.ts` stores it, the palette entries of
 * `app/flow/palette.ts`, validator problems and the live progress payload
 * of `app/flow/progress.ts`.
 */

import type { SummaryOptions } from '../../../../app/flow/config_summary'

export const ENTRY_NODE_TYPE = 'start'

export interface FlowNode {
  id: string
  type: string
  position: { x: number; y: number }
  config: Record<string, unknown>
  maxVisits?: number | null
}

export interface FlowEdge {
  id: string
  source: string
  sourcePort: string
  target: string
}

export interface FlowGraph {
  nodes: FlowNode[]
  edges: FlowEdge[]
}

/** A port with its label already translated, or the designer's own text. */
export interface PortInfo {
  id: string
  label?: string
  text?: string
  required?: boolean
}

/** A contact field the editor's pickers offer, as `flow_editor_choices.ts` reads it. */
export interface ContactFieldChoice {
  key: string
  label: string
  /** `text`, `number`, `date`, `boolean`, `choice` or `tags`. */
  type: string
  custom: boolean
}

/** A form field as the palette sends it: labels, help and options translated. */
export interface PaletteField {
  kind: string
  name: string
  label: string
  help?: string
  placeholder?: string
  required?: boolean
  visibleWhen?: { field: string; in: unknown[] }
  options?: { value: string | number; label: string; fieldTypes?: string[] }[]
  fieldTypeFrom?: string
  include?: 'all' | 'custom'
  allowNone?: boolean
  summary?: boolean | SummaryOptions
  itemFields?: PaletteField[]
  addLabel?: string
  /** Translated name of one list item, which the editor shows numbered. */
  itemLabel?: string
  itemNumbering?: 'numbers' | 'letters'
  minItems?: number
  maxItems?: number
  units?: string[]
  min?: number
  max?: number
  step?: number
  unit?: string
  rows?: number
  maxLength?: number
  withDays?: boolean
  allowInline?: boolean
}

export interface PaletteEntry {
  type: string
  version: number
  plugin: string | null
  label: string
  description: string
  icon: string
  category: { id: string; label: string }
  fields: PaletteField[]
  defaults: Record<string, unknown>
  ports: PortInfo[]
  dynamicPorts: boolean
}

export interface FlowProblem {
  code: string
  nodeId: string | null
  edgeId?: string
  field?: string
  message: string
  /** English ICU message shown when no language translates `message`. */
  text?: string
  values: Record<string, string | number>
}

export interface VersionSummary {
  id: number
  number: number
  publishedBy: number | null
  publishedAt: string
  nodes: number
}

/** Mirrors `CampaignProgressPayload` of `app/flow/progress.ts`. */
export interface CampaignProgress {
  nodes: Record<string, { waiting: number; ports: Record<string, number>; goals?: number }>
  totals: {
    enrolled: number
    active: number
    completed: number
    sent: number
    failed: number
    /** Messages the campaign's cancel stopped before their send, absent from older payloads. */
    cancelled?: number
  }
  rates?: {
    at: string
    sentPerMinute: number
    pacePerMinute: number | null
    etaSeconds: number | null
    /** Latest time a waiting journey moves on by itself; `null` or left out while none waits. */
    waitsUntil?: string | null
    nodesPerMinute: Record<string, number>
  }
  held?: { journeys: number; until: string | null }
  /** The campaign's numbers that are not connected; `null` or left out while all are. */
  offline?: CampaignOffline | null
}

/** Numbers of a campaign whose channel instance is not connected. */
export interface CampaignOffline {
  numbers: { id: number; name: string; status: string }[]
  /** Whether none of the campaign's numbers is connected. */
  all: boolean
}

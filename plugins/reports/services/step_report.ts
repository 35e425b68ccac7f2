import { campaignStepPorts, db, type CsvReader } from '#sdk'
import { flowOrder, type OrderedGraph } from './flow_order.js'
import { emptyNodeCounts, perNode, type StageCounts } from './report_queries.js'
import type { ReportRange } from './report_range.js'

/** One exit (port) of a step and the journeys that left the step through it. */
export interface StepExit {
  /** Port id, such as `sent`, `no_reply` or a reply rule's id. */
  port: string
  /** The exit's label as the flow editor shows it, or the port id when no version of the flow has it. */
  label: string
  journeys: number
}

/** A row of the per-step report, shared by the page's table and the CSV export. */
export interface StepRow extends StageCounts {
  /** Node id. */
  id: string
  /** The step's name as the flow editor shows it, such as "Wait · 20 seconds", or its id. */
  name: string
  /** Journeys held at the step now. */
  waiting: number
  /** Journeys that ended at the step with the reason `goal`. */
  goals: number
  /** Every exit the step has in the flow, counted or not, then any other exit counted. */
  exits: StepExit[]
}

/**
 * Reads the campaign's flow version in use, the one it published last: its
 * id and its graph. No version and an empty graph before publishing.
 */
async function versionInUse(tenantId: number, campaignId: number) {
  const version = await db
    .from('campaigns')
    .join('flow_versions', 'flow_versions.id', 'campaigns.current_version_id')
    .where('campaigns.tenant_id', tenantId)
    .where('campaigns.id', campaignId)
    .select('flow_versions.id', 'flow_versions.graph')
    .first()
  const graph = version ? (JSON.parse(String(version.graph)) as Partial<OrderedGraph>) : {}
  return {
    versionId: version ? Number(version.id) : null,
    graph: { nodes: graph.nodes ?? [], edges: graph.edges ?? [] } as OrderedGraph,
  }
}

/** Lists a step's exits: those its labels name, in the editor's order, then the other ports counted. */
function exitsOf(labels: Map<string, string>, ports: Record<string, number>): StepExit[] {
  const exits = [...labels].map(([port, label]) => ({ port, label, journeys: ports[port] ?? 0 }))
  for (const [port, journeys] of Object.entries(ports)) {
    if (!labels.has(port)) {
      exits.push({ port, label: port, journeys })
    }
  }
  return exits
}

/**
 * Builds the per-step report of a campaign. It has one row per step of the
 * flow version in use, in flow order (see `flowOrder`), so a step that no
 * journey reached yet shows zeros. The counted steps that version no longer
 * has follow. Each step lists every exit that version gives it, zeros
 * included. Message stages are counted in `range`. Waiting, goals and exits
 * are the engine's counters over the whole run.
 */
export async function stepReport(
  tenantId: number,
  campaignId: number,
  range: ReportRange | null,
  t: CsvReader['t']
): Promise<StepRow[]> {
  const [counts, { versionId, graph }] = await Promise.all([
    perNode(tenantId, campaignId, range),
    versionInUse(tenantId, campaignId),
  ])
  const ids = new Set([...graph.nodes.map((node) => node.id), ...Object.keys(counts)])
  const steps = await campaignStepPorts(tenantId, campaignId, ids, t, { versionId })
  const ordered = flowOrder(graph, (nodeId) => [...(steps.get(nodeId)?.ports.keys() ?? [])])
  const removed = Object.keys(counts).filter((nodeId) => !ordered.includes(nodeId))

  return [...ordered, ...removed].map((nodeId) => {
    const { ports, ...figures } = counts[nodeId] ?? emptyNodeCounts()
    const step = steps.get(nodeId)
    return {
      ...figures,
      id: nodeId,
      name: step?.name ?? nodeId,
      exits: exitsOf(step?.ports ?? new Map(), ports),
    }
  })
}

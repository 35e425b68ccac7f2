/**
 * The shape of a flow as the editor saves it: nodes with their position and
 * raw configuration, and edges from a node's output port to another node.
 * The draft stores this as it is, valid or not; publishing validates it and
 * compiles it into an `ExecutionPlan`.
 */

/** Type id of the entry node every flow has. It has no executor and one port, `next`. */
export const ENTRY_NODE_TYPE = 'start'

/** Port of the entry node. */
export const ENTRY_PORT = 'next'

/** A node on the canvas. */
export interface FlowNode {
  /** Id unique in the flow, chosen by the editor, such as `send-3f9a`. */
  id: string
  /** Node type id (`send`, `wait`, a plugin's `example.greet`), or `start` for the entry. */
  type: string
  /** Canvas position in pixels of the node's top-left corner. */
  position: { x: number; y: number }
  /** Configuration as the designer left it; validated only when the flow is checked. */
  config: Record<string, unknown>
  /**
   * Most visits of this node by one journey; a journey that arrives once more
   * ends there with reason `visit_limit`. A loop through a node with a limit
   * cannot spin forever. `null` or absent means no limit.
   */
  maxVisits?: number | null
}

/** A connection from one node's output port to another node's input. */
export interface FlowEdge {
  id: string
  source: string
  /** Port id of the source node, such as `sent` or a branch rule's id. */
  sourcePort: string
  target: string
}

export interface FlowGraph {
  nodes: FlowNode[]
  edges: FlowEdge[]
}

/** The graph of a new campaign: only the entry node. */
export function emptyGraph(): FlowGraph {
  return {
    nodes: [{ id: 'start', type: ENTRY_NODE_TYPE, position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  }
}

/**
 * The compiled form of a published flow version, which the engine runs. It
 * is computed once at publish and never changes, so a journey started on a
 * version keeps the same plan however the draft changes afterwards.
 */

export const EXECUTION_PLAN_FORMAT = 1

/** One node of the plan. */
export interface PlanNode {
  id: string
  /** Node type id, such as `send`. */
  type: string
  /** The node type's `version` at publish, to tell old configuration shapes apart. */
  typeVersion: number
  /** Configuration normalised by the node type's `configSchema` (VineJS output). */
  config: Record<string, unknown>
  /**
   * Next node per output port: every port of the node type for this
   * configuration is a key, `null` when the port is unconnected, which ends
   * the journey.
   */
  next: Record<string, string | null>
  /** Most visits by one journey, then the journey ends with `visit_limit`; `null` is no limit. */
  maxVisits: number | null
}

export interface ExecutionPlan {
  /** Shape of this object; raised when it changes incompatibly. */
  format: typeof EXECUTION_PLAN_FORMAT
  /** The node every journey starts at: the target of the entry node's `next` edge. */
  entryNodeId: string
  /** Nodes by id. Only nodes reachable from the entry are included. */
  nodes: Record<string, PlanNode>
}

import { Exception } from '@adonisjs/core/exceptions'
import type { FlowGraph } from '#flow/flow_graph'
import type { FlowProblem } from '#flow/flow_problems'
import { validateFlow, type FlowValidationContext } from '#flow/flow_validator'
import { EXECUTION_PLAN_FORMAT, type ExecutionPlan, type PlanNode } from '#flow/execution_plan'

/** Raised when a flow with problems is published. Carries every problem. */
export class FlowInvalidException extends Exception {
  static status = 422
  static code = 'E_FLOW_INVALID'

  constructor(readonly problems: FlowProblem[]) {
    const nodes = [...new Set(problems.map((item) => item.nodeId ?? 'flow'))].join(', ')
    super(
      `The flow has ${problems.length} problem(s) at ${nodes}: fix them in the editor, then publish again`
    )
  }
}

/**
 * Compiles a draft graph into the execution plan the engine runs: every
 * reachable node with its normalised configuration and its next node per
 * port. Raises `FlowInvalidException` when the validator finds any problem,
 * so only a valid flow is ever published.
 */
export async function compileFlow(
  graph: FlowGraph,
  context: FlowValidationContext
): Promise<ExecutionPlan> {
  const validation = await validateFlow(graph, context)
  if (validation.problems.length > 0 || validation.firstNodeId === null) {
    throw new FlowInvalidException(validation.problems)
  }

  const nodes: Record<string, PlanNode> = {}
  for (const nodeId of validation.reachable) {
    const { node, entry, config } = validation.checked.get(nodeId)!
    const next: Record<string, string | null> = {}
    for (const port of validation.ports.get(nodeId) ?? []) {
      const edges = validation.edgesByPort.get(nodeId)?.get(port.id) ?? []
      next[port.id] = edges[0]?.target ?? null
    }
    nodes[nodeId] = {
      id: nodeId,
      type: node.type,
      typeVersion: entry.definition.version,
      config,
      next,
      maxVisits: typeof node.maxVisits === 'number' ? node.maxVisits : null,
    }
  }
  return { format: EXECUTION_PLAN_FORMAT, entryNodeId: validation.firstNodeId, nodes }
}

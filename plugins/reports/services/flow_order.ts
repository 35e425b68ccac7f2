/** The parts of a flow graph that set the order of its steps. */
export interface OrderedGraph {
  nodes: { id: string; type: string }[]
  edges: { source: string; sourcePort: string; target: string }[]
}

/**
 * Orders a flow's steps as a reader follows them, depth first from the
 * start step. The exits of each step come in the order the editor lists
 * them (`portOrder`). The steps no path from the start reaches follow, in
 * the graph's order. The start step itself is left out.
 */
export function flowOrder(graph: OrderedGraph, portOrder: (nodeId: string) => string[]) {
  const start = graph.nodes.find((node) => node.type === 'start')
  const order: string[] = []
  const seen = new Set<string>()

  const visit = (nodeId: string) => {
    if (seen.has(nodeId)) {
      return
    }
    seen.add(nodeId)
    order.push(nodeId)
    const ports = portOrder(nodeId)
    const rank = (port: string) => {
      const index = ports.indexOf(port)
      return index === -1 ? ports.length : index
    }
    const exits = graph.edges
      .filter((edge) => edge.source === nodeId)
      .sort((a, b) => rank(a.sourcePort) - rank(b.sourcePort))
    for (const edge of exits) {
      visit(edge.target)
    }
  }

  if (start) {
    visit(start.id)
  }
  for (const node of graph.nodes) {
    visit(node.id)
  }
  return order.filter((nodeId) => nodeId !== start?.id)
}

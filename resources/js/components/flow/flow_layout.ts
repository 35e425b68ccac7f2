import dagre from '@dagrejs/dagre'
import type { FlowGraph } from './flow_types'

/** Size used for nodes Vue Flow has not measured yet, in pixels. */
const FALLBACK_SIZE = { width: 240, height: 120 }

/**
 * Computes a tidy top-to-bottom layout with dagre and returns each node's
 * new top-left position. `sizes` are the measured node sizes in pixels.
 */
export function tidyLayout(
  graph: FlowGraph,
  sizes: Map<string, { width: number; height: number }>
) {
  const layout = new dagre.graphlib.Graph()
  layout.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 90, marginx: 20, marginy: 20 })
  layout.setDefaultEdgeLabel(() => ({}))
  for (const node of graph.nodes) {
    layout.setNode(node.id, { ...(sizes.get(node.id) ?? FALLBACK_SIZE) })
  }
  for (const edge of graph.edges) {
    if (edge.source !== edge.target) layout.setEdge(edge.source, edge.target)
  }
  dagre.layout(layout)

  const positions = new Map<string, { x: number; y: number }>()
  for (const node of graph.nodes) {
    const placed = layout.node(node.id)
    const size = sizes.get(node.id) ?? FALLBACK_SIZE
    positions.set(node.id, {
      x: Math.round(placed.x - size.width / 2),
      y: Math.round(placed.y - size.height / 2),
    })
  }
  return positions
}

import { cloneJson } from './clone'
import type { FlowEdge, FlowGraph, FlowNode } from './flow_types'

/** Distance between pasted nodes and their originals, in pixels. */
const PASTE_OFFSET = 40

let copied: FlowGraph | null = null

export function newNodeId(type: string) {
  const random = Math.random().toString(36).slice(2, 8)
  return `${type.replace(/[^A-Za-z0-9_-]/g, '-')}-${random}`
}

/** Keeps the selected nodes (never the entry) and the edges between them. */
export function copySelection(graph: FlowGraph, nodeIds: Set<string>) {
  const nodes = graph.nodes.filter((node) => nodeIds.has(node.id) && node.type !== 'start')
  const kept = new Set(nodes.map((node) => node.id))
  const edges = graph.edges.filter((edge) => kept.has(edge.source) && kept.has(edge.target))
  copied = cloneJson({ nodes, edges })
  return nodes.length
}

/** Returns fresh copies of the copied nodes and edges with new ids, or null when nothing was copied. */
export function pasteCopy(): { nodes: FlowNode[]; edges: FlowEdge[] } | null {
  if (!copied || copied.nodes.length === 0) return null
  const ids = new Map(copied.nodes.map((node) => [node.id, newNodeId(node.type)]))
  const nodes = copied.nodes.map((node) => ({
    ...cloneJson(node),
    id: ids.get(node.id)!,
    position: { x: node.position.x + PASTE_OFFSET, y: node.position.y + PASTE_OFFSET },
  }))
  const edges = copied.edges.map((edge) => {
    const source = ids.get(edge.source)!
    const target = ids.get(edge.target)!
    return {
      id: `${source}-${edge.sourcePort}-${target}`,
      source,
      sourcePort: edge.sourcePort,
      target,
    }
  })
  copied = { nodes: cloneJson(nodes), edges: cloneJson(edges) }
  return { nodes, edges }
}

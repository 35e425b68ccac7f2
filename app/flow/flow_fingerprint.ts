import { createHash } from 'node:crypto'
import type { FlowGraph, FlowNode } from '#flow/flow_graph'

/** Orders two strings by code unit, the same way on every server whatever its locale. */
function compareText(a: string, b: string) {
  if (a === b) {
    return 0
  }
  return a < b ? -1 : 1
}

/** Returns a JSON text of a value with object keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareText(a, b))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

/** Drops `maxVisits: null` from a node, because null and absent both mean no limit. */
function withoutEmptyLimit(node: FlowNode): FlowNode {
  if (node.maxVisits !== null) {
    return node
  }
  const rest = { ...node }
  delete rest.maxVisits
  return rest
}

/**
 * Returns a SHA-256 hex digest of a graph that ignores the order of its
 * nodes, edges and object keys. A draft and the version it was published as
 * keep the same digest until a step, a setting, a position or a connection
 * changes.
 */
export function graphFingerprint(graph: FlowGraph): string {
  const nodes = graph.nodes.map(withoutEmptyLimit).sort((a, b) => compareText(a.id, b.id))
  const edges = [...graph.edges].sort((a, b) => compareText(a.id, b.id))
  return createHash('sha256').update(canonicalJson({ nodes, edges })).digest('hex')
}

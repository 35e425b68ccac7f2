import dagre, { type LayoutConfig, type OrderConstraint } from '@dagrejs/dagre'
import type { FlowGraph, FlowNode } from './flow_types'

/** Size used for nodes Vue Flow has not measured yet, in pixels. */
const FALLBACK_SIZE = { width: 240, height: 120 }

/**
 * Dagre's hook into its order phase, which gets dagre's internal graph with
 * ranks assigned and the default order function. In that graph an edge that
 * spans several ranks is split into `dummy` nodes, one per rank, that share
 * the original `edgeLabel`, and an edge that dagre turned around to break a
 * cycle has `reversed` set on its label.
 */
type OrderHook = NonNullable<LayoutConfig['customOrder']>
type InternalGraph = Parameters<OrderHook>[0]
type OrderPhase = Parameters<OrderHook>[1]

/**
 * Computes a tidy top-to-bottom layout with dagre and returns each node's
 * new top-left position. `sizes` are the measured node sizes in pixels, and
 * `portIds` returns a node's output ports in the order the node draws them,
 * left to right. The children of a node with several ports are placed left
 * to right in that order, so the edges leaving its ports do not cross.
 */
export function tidyLayout(
  graph: FlowGraph,
  sizes: Map<string, { width: number; height: number }>,
  portIds: (node: FlowNode) => string[]
) {
  const layout = new dagre.graphlib.Graph()
  layout.setGraph({ rankdir: 'TB', nodesep: 60, ranksep: 90, marginx: 20, marginy: 20 })
  layout.setDefaultEdgeLabel(() => ({}))
  for (const node of graph.nodes) {
    layout.setNode(node.id, { ...(sizes.get(node.id) ?? FALLBACK_SIZE) })
  }
  const children = childrenInPortOrder(graph, portIds)
  for (const [source, targets] of children) {
    for (const target of targets) layout.setEdge(source, target)
  }
  dagre.layout(layout, {
    customOrder: (internal, order) => orderByPorts(internal, order, children),
  })

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

/**
 * Maps each node id to the distinct targets of its edges, sorted by the
 * position of the source port on the node. Self-loops are left out, and
 * edges from ports the node no longer has come last.
 */
function childrenInPortOrder(graph: FlowGraph, portIds: (node: FlowNode) => string[]) {
  const portIndexes = new Map<string, Map<string, number>>()
  for (const node of graph.nodes) {
    portIndexes.set(node.id, new Map(portIds(node).map((port, index) => [port, index])))
  }
  const portIndex = (sourceId: string, port: string) =>
    portIndexes.get(sourceId)?.get(port) ?? Number.MAX_SAFE_INTEGER

  const edges = graph.edges
    .filter((edge) => edge.source !== edge.target && portIndexes.has(edge.target))
    .sort((a, b) => portIndex(a.source, a.sourcePort) - portIndex(b.source, b.sourcePort))
  const children = new Map<string, string[]>()
  for (const edge of edges) {
    if (!portIndexes.has(edge.source)) continue
    const targets = children.get(edge.source) ?? []
    if (!targets.includes(edge.target)) targets.push(edge.target)
    children.set(edge.source, targets)
  }
  return children
}

/**
 * Runs dagre's crossing reduction with the children of each node kept in
 * port order, then restores that order wherever dagre's result breaks it.
 * Dagre applies order constraints only while it sweeps a layer, and it may
 * keep a layering from before the last sweep as the best one.
 */
function orderByPorts(internal: InternalGraph, order: OrderPhase, children: Map<string, string[]>) {
  const layers = [...children].flatMap(([parent, targets]) =>
    siblingLayers(internal, parent, targets)
  )
  const constraints = acyclicConstraints(layers)
  order(internal, { constraints })
  enforceConstraints(internal, constraints)
}

/**
 * Turns each sibling list into constraints between neighbours, leaving out
 * whole lists that contradict earlier ones, as when two nodes share two
 * children in opposite port order. Dagre 3.1 loses the nodes of a
 * constraint cycle from their layer and then throws, so no cycle may reach it.
 */
function acyclicConstraints(layers: string[][]) {
  const rightOf = new Map<string, string[]>()
  const reaches = (from: string, to: string) => {
    const pending = [from]
    const seen = new Set<string>()
    while (pending.length > 0) {
      const id = pending.pop()!
      if (id === to) return true
      if (seen.has(id)) continue
      seen.add(id)
      pending.push(...(rightOf.get(id) ?? []))
    }
    return false
  }

  const constraints: OrderConstraint[] = []
  for (const layer of layers) {
    const contradicts = layer.some((left, index) =>
      layer.slice(index + 1).some((right) => reaches(right, left))
    )
    if (contradicts) continue
    for (let index = 1; index < layer.length; index++) {
      const left = layer[index - 1]
      const right = layer[index]
      constraints.push({ left, right })
      rightOf.set(left, [...(rightOf.get(left) ?? []), right])
    }
  }
  return constraints
}

/**
 * Reorders each layer that breaks a constraint and otherwise keeps dagre's
 * order. Each step places the leftmost node whose left neighbours by
 * constraint are already placed, so a layer that meets every constraint
 * stays as it is.
 */
function enforceConstraints(internal: InternalGraph, constraints: OrderConstraint[]) {
  const leftOf = new Map<string, string[]>()
  for (const { left, right } of constraints) {
    leftOf.set(right, [...(leftOf.get(right) ?? []), left])
  }
  const layers = new Map<number, string[]>()
  for (const id of internal.nodes()) {
    const rank = internal.node(id).rank
    if (rank === undefined) continue
    const layer = layers.get(rank) ?? []
    layer.push(id)
    layers.set(rank, layer)
  }

  for (const layer of layers.values()) {
    if (!layer.some((id) => leftOf.has(id))) continue
    layer.sort((a, b) => internal.node(a).order! - internal.node(b).order!)
    const placed = new Set<string>()
    while (placed.size < layer.length) {
      const next = layer.find(
        (id) => !placed.has(id) && (leftOf.get(id) ?? []).every((left) => placed.has(left))
      )!
      internal.node(next).order = placed.size
      placed.add(next)
    }
  }
}

/**
 * Lists, rank by rank below `parent`, the nodes that represent its children
 * in port order: a child in its own rank and, in each rank an edge crosses
 * on its way down, the dummy node of that edge. Dagre doubles every edge's
 * minimum length to make room for labels, so even a direct child has a
 * dummy in the rank between. Edges that dagre reversed to break a cycle lead
 * up and are left out, and so are ranks with fewer than two children.
 */
function siblingLayers(internal: InternalGraph, parent: string, targets: string[]) {
  const chains = new Map<string, string[]>()
  for (const edge of internal.outEdges(parent) ?? []) {
    let current = edge.w
    let node = internal.node(current)
    const reversed = node.dummy ? node.edgeLabel?.reversed : internal.edge(edge)?.reversed
    if (reversed) continue
    const chain: string[] = []
    while (node.dummy) {
      chain.push(current)
      current = internal.successors(current)![0]
      node = internal.node(current)
    }
    chain.push(current)
    chains.set(current, chain)
  }

  const byRank = new Map<number, string[]>()
  for (const target of targets) {
    for (const id of chains.get(target) ?? []) {
      const rank = internal.node(id).rank!
      byRank.set(rank, [...(byRank.get(rank) ?? []), id])
    }
  }
  return [...byRank.values()].filter((layer) => layer.length > 1)
}

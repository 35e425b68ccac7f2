import { cloneJson } from './clone'
import type { FlowEdge, FlowGraph, FlowNode } from './flow_types'

/**
 * A change to the graph that undo can revert and redo can apply again.
 * `apply` and `revert` mutate the graph in place and must be exact
 * inverses, so any sequence of undo and redo lands on a graph that was
 * really there.
 */
export interface FlowCommand {
  label: string
  apply(graph: FlowGraph): void
  revert(graph: FlowGraph): void
  /** Folds a following command into this one, for typing in one field. Returns false when it cannot. */
  merge?(next: FlowCommand): boolean
}

function removeByIds<Item extends { id: string }>(list: Item[], ids: Set<string>) {
  for (let index = list.length - 1; index >= 0; index--) {
    if (ids.has(list[index].id)) {
      list.splice(index, 1)
    }
  }
}

/** Adds nodes and the edges between them (a drop or a paste). */
export function addElements(nodes: FlowNode[], edges: FlowEdge[] = []): FlowCommand {
  return {
    label: 'add',
    apply(graph) {
      graph.nodes.push(...cloneJson(nodes))
      graph.edges.push(...cloneJson(edges))
    },
    revert(graph) {
      removeByIds(graph.edges, new Set(edges.map((edge) => edge.id)))
      removeByIds(graph.nodes, new Set(nodes.map((node) => node.id)))
    },
  }
}

/**
 * Removes nodes with every edge that touches them, and loose edges. The
 * entry node is never removed. Revert puts everything back at its index.
 */
export function removeElements(
  graph: FlowGraph,
  nodeIds: string[],
  edgeIds: string[]
): FlowCommand {
  const nodes = new Set(
    graph.nodes
      .filter((node) => nodeIds.includes(node.id) && node.type !== 'start')
      .map((node) => node.id)
  )
  const edges = new Set(edgeIds)
  for (const edge of graph.edges) {
    if (nodes.has(edge.source) || nodes.has(edge.target)) {
      edges.add(edge.id)
    }
  }
  let removedNodes: { index: number; node: FlowNode }[] = []
  let removedEdges: { index: number; edge: FlowEdge }[] = []
  return {
    label: 'delete',
    apply(current) {
      removedNodes = current.nodes.flatMap((node, index) =>
        nodes.has(node.id) ? [{ index, node }] : []
      )
      removedEdges = current.edges.flatMap((edge, index) =>
        edges.has(edge.id) ? [{ index, edge }] : []
      )
      removeByIds(current.edges, edges)
      removeByIds(current.nodes, nodes)
    },
    revert(current) {
      for (const { index, node } of removedNodes) current.nodes.splice(index, 0, node)
      for (const { index, edge } of removedEdges) current.edges.splice(index, 0, edge)
    },
  }
}

export interface NodeMove {
  id: string
  from: { x: number; y: number }
  to: { x: number; y: number }
}

/** Moves nodes, from where they were when the drag started to where it ended. */
export function moveNodes(moves: NodeMove[]): FlowCommand {
  const place = (graph: FlowGraph, key: 'from' | 'to') => {
    const byId = new Map(moves.map((move) => [move.id, move[key]]))
    for (const node of graph.nodes) {
      const position = byId.get(node.id)
      if (position) node.position = { ...position }
    }
  }
  return {
    label: 'move',
    apply: (graph) => place(graph, 'to'),
    revert: (graph) => place(graph, 'from'),
  }
}

/**
 * Connects a port to a node. A port leads to one node, so an edge already
 * leaving the same port is replaced, and restored on undo.
 */
export function connect(graph: FlowGraph, edge: FlowEdge): FlowCommand {
  const replaced = graph.edges.find(
    (other) => other.source === edge.source && other.sourcePort === edge.sourcePort
  )
  return {
    label: 'connect',
    apply(current) {
      if (replaced) removeByIds(current.edges, new Set([replaced.id]))
      current.edges.push({ ...edge })
    },
    revert(current) {
      removeByIds(current.edges, new Set([edge.id]))
      if (replaced) current.edges.push({ ...replaced })
    },
  }
}

type NodeSettings = Pick<FlowNode, 'config' | 'maxVisits'>

/** Changes a node's configuration or visit limit. Edits of one node in a row undo together. */
export function updateNode(nodeId: string, before: NodeSettings, after: NodeSettings): FlowCommand {
  const state = { before: cloneJson(before), after: cloneJson(after), at: Date.now() }
  const write = (graph: FlowGraph, settings: NodeSettings) => {
    const node = graph.nodes.find((candidate) => candidate.id === nodeId)
    if (node) {
      node.config = cloneJson(settings.config)
      node.maxVisits = settings.maxVisits ?? null
    }
  }
  const command: FlowCommand & { nodeId: string; state: typeof state } = {
    label: 'edit',
    nodeId,
    state,
    apply: (graph) => write(graph, state.after),
    revert: (graph) => write(graph, state.before),
    merge(next) {
      const other = next as typeof command
      if (other.label !== 'edit' || other.nodeId !== nodeId || other.state.at - state.at > 1500) {
        return false
      }
      state.after = other.state.after
      state.at = other.state.at
      return true
    },
  }
  return command
}

/** Replaces every node position at once, for the tidy layout. */
export function repositionAll(graph: FlowGraph, positions: Map<string, { x: number; y: number }>) {
  const moves: NodeMove[] = graph.nodes
    .filter((node) => positions.has(node.id))
    .map((node) => ({ id: node.id, from: { ...node.position }, to: positions.get(node.id)! }))
  return { ...moveNodes(moves), label: 'layout' }
}

/** Replaces the whole graph, for restoring a version. */
export function replaceGraph(before: FlowGraph, after: FlowGraph): FlowCommand {
  const write = (graph: FlowGraph, source: FlowGraph) => {
    const copy = cloneJson(source)
    graph.nodes.splice(0, graph.nodes.length, ...copy.nodes)
    graph.edges.splice(0, graph.edges.length, ...copy.edges)
  }
  const frozenBefore = cloneJson(before)
  const frozenAfter = cloneJson(after)
  return {
    label: 'replace',
    apply: (graph) => write(graph, frozenAfter),
    revert: (graph) => write(graph, frozenBefore),
  }
}

import { cloneJson } from './clone'
import { computed, reactive, ref, shallowRef } from 'vue'
import type { FlowCommand } from './flow_commands'
import type { FlowGraph, FlowNode, PaletteEntry, PortInfo } from './flow_types'

/** Most undo steps kept. */
const HISTORY_LIMIT = 200

/**
 * The flow editor's state: the graph, the selection and the undo history.
 * Every change of the graph goes through `execute` with a command, so undo
 * and redo cover all of them and `version` signals the autosave that something
 * changed. Vue Flow only renders what this store derives.
 */
export function createFlowStore(initial: FlowGraph, palette: PaletteEntry[]) {
  const graph = reactive<FlowGraph>(cloneJson(initial))
  const selection = ref<Set<string>>(new Set())
  const edgeSelection = ref<Set<string>>(new Set())
  const undoStack = shallowRef<FlowCommand[]>([])
  const redoStack = shallowRef<FlowCommand[]>([])
  const version = ref(0)
  const types = new Map(palette.map((entry) => [entry.type, entry]))

  /** Ports per node id as the server last computed them; palette defaults otherwise. */
  const serverPorts = ref<Record<string, PortInfo[]>>({})

  function execute(command: FlowCommand) {
    command.apply(graph)
    const last = undoStack.value.at(-1)
    if (!(last?.merge && last.merge(command))) {
      undoStack.value = [...undoStack.value, command].slice(-HISTORY_LIMIT)
    }
    redoStack.value = []
    version.value++
  }

  function undo() {
    const command = undoStack.value.at(-1)
    if (!command) return
    command.revert(graph)
    undoStack.value = undoStack.value.slice(0, -1)
    redoStack.value = [...redoStack.value, command]
    pruneSelection()
    version.value++
  }

  function redo() {
    const command = redoStack.value.at(-1)
    if (!command) return
    command.apply(graph)
    redoStack.value = redoStack.value.slice(0, -1)
    undoStack.value = [...undoStack.value, command]
    pruneSelection()
    version.value++
  }

  function pruneSelection() {
    const ids = new Set(graph.nodes.map((node) => node.id))
    selection.value = new Set([...selection.value].filter((id) => ids.has(id)))
    const edgeIds = new Set(graph.edges.map((edge) => edge.id))
    edgeSelection.value = new Set([...edgeSelection.value].filter((id) => edgeIds.has(id)))
  }

  /** Moves a node while it is dragged, outside the history; `moveNodes` records the drag once it ends. */
  function dragTo(nodeId: string, position: { x: number; y: number }) {
    const node = nodesById.value.get(nodeId)
    if (node) node.position = position
  }

  const nodesById = computed(() => new Map(graph.nodes.map((node) => [node.id, node])))

  function portsOf(node: FlowNode): PortInfo[] {
    if (node.type === 'start') {
      return serverPorts.value[node.id] ?? [{ id: 'next', required: true }]
    }
    return serverPorts.value[node.id] ?? types.get(node.type)?.ports ?? []
  }

  const selectedNode = computed(() => {
    if (selection.value.size !== 1) return null
    return nodesById.value.get([...selection.value][0]) ?? null
  })

  return {
    graph,
    selection,
    edgeSelection,
    version,
    serverPorts,
    types,
    nodesById,
    selectedNode,
    canUndo: computed(() => undoStack.value.length > 0),
    canRedo: computed(() => redoStack.value.length > 0),
    execute,
    undo,
    redo,
    dragTo,
    portsOf,
  }
}

export type FlowStore = ReturnType<typeof createFlowStore>

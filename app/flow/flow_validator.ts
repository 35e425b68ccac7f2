import type { ContactFieldType, PortDefinition, TemplateValue } from '#sdk'
import { portsOf } from '#sdk'
import {
  NodeConfigInvalidException,
  type NodeTypeRegistry,
  type RegisteredNodeType,
} from '#flow/node_type_registry'
import {
  ENTRY_NODE_TYPE,
  ENTRY_PORT,
  type FlowEdge,
  type FlowGraph,
  type FlowNode,
} from '#flow/flow_graph'
import { problem, type FlowProblem } from '#flow/flow_problems'
import { STANDARD_CONTACT_FIELDS } from '#flow/contact_fields'
import { configProblems } from '#flow/config_problems'
import { cyclicComponents } from '#flow/flow_loops'
import { parseTemplate } from '#services/templates/template_syntax'
import { CAMPAIGN_PREFIX, variablesToDefine } from '#services/templates/template_variables'

/** Largest `maxVisits` a node accepts. */
export const MAX_VISITS_LIMIT = 1000

/** What the validator needs besides the graph. */
export interface FlowValidationContext {
  registry: NodeTypeRegistry
  /** Variable names a message may use: contact attributes, custom fields, `campaign.<name>`. */
  knownVariables: Set<string>
  /**
   * Contact field names and types that node types may read.
   *
   * @default the standard attributes only
   */
  contactFields?: Map<string, ContactFieldType>
  /**
   * Variables that must exist (see `variablesToDefine`) of the saved
   * templates the flow names, by template id. A missing id is a missing
   * template.
   */
  templateVariables: Map<number, string[]>
  /** The tenant's custom fields by key. @default none */
  customFields?: Map<string, { type: string }>
  /** The tenant's contact lists by name, with their id. @default none */
  contactLists?: Map<string, number>
  /**
   * Whether the tenant may use a registered node type, such as one of a
   * plugin it has disabled. A type it may not use counts as unknown.
   *
   * @default every registered type is available
   */
  isAvailable?: (entry: RegisteredNodeType) => boolean
}

/** A node that passed its type's schema. */
export interface CheckedNode {
  node: FlowNode
  entry: RegisteredNodeType
  /** Configuration as the schema normalised it. */
  config: Record<string, unknown>
}

export interface FlowValidation {
  problems: FlowProblem[]
  /** Nodes whose configuration is valid, by id. */
  checked: Map<string, CheckedNode>
  /** Output ports of each node whose ports could be worked out, entry included. */
  ports: Map<string, PortDefinition[]>
  /** The node the entry's `next` edge leads to, `null` when there is none. */
  firstNodeId: string | null
  /** Nodes reached from the entry through valid edges, the entry excluded. */
  reachable: Set<string>
  /** Edges whose both ends and port exist, by source node then port. */
  edgesByPort: Map<string, Map<string, FlowEdge[]>>
}

const UNKNOWN_VARIABLE_CODES = new Set<string>(['unknown_variable', 'unknown_campaign_variable'])

const ENTRY_PORTS: PortDefinition[] = [{ id: ENTRY_PORT, label: 'flow.entry.port', required: true }]

/**
 * Checks a flow for everything that would stop it from running as drawn:
 * the entry, reachability, edges and ports, each node's configuration,
 * template variables, and loops that could repeat without a pause or a
 * limit. Returns every problem found, not only the first, with what the
 * compiler needs from the checks.
 */
export async function validateFlow(
  graph: FlowGraph,
  context: FlowValidationContext
): Promise<FlowValidation> {
  const problems: FlowProblem[] = []
  const nodes = indexNodes(graph.nodes, problems)
  const { checked, ports } = await checkNodes(nodes, context, problems)
  const edgesByPort = checkEdges(graph.edges, nodes, ports, problems)
  const firstNodeId = checkEntry(nodes, edgesByPort, problems)
  checkPorts(nodes, ports, edgesByPort, problems)
  const reachable = reachableFrom(firstNodeId, edgesByPort)
  for (const node of nodes.values()) {
    if (node.type !== ENTRY_NODE_TYPE && !reachable.has(node.id)) {
      problems.push(problem('unreachable', node.id))
    }
  }
  checkVariables(checked, context, problems)
  checkLoops(reachable, nodes, checked, edgesByPort, problems)
  return { problems, checked, ports, firstNodeId, reachable, edgesByPort }
}

function indexNodes(list: FlowNode[], problems: FlowProblem[]) {
  const nodes = new Map<string, FlowNode>()
  for (const node of list) {
    if (nodes.has(node.id)) {
      problems.push(problem('duplicate_node', node.id))
      continue
    }
    nodes.set(node.id, node)
  }
  return nodes
}

async function checkNodes(
  nodes: Map<string, FlowNode>,
  context: FlowValidationContext,
  problems: FlowProblem[]
) {
  const checked = new Map<string, CheckedNode>()
  const ports = new Map<string, PortDefinition[]>()

  for (const node of nodes.values()) {
    if (node.type === ENTRY_NODE_TYPE) {
      ports.set(node.id, ENTRY_PORTS)
      continue
    }
    const entry = context.registry.get(node.type)
    if (!entry || context.isAvailable?.(entry) === false) {
      problems.push(problem('unknown_node_type', node.id, { values: { type: node.type } }))
      continue
    }
    checkMaxVisits(node, problems)
    const config = await normaliseConfig(node, entry, context, problems)
    const nodePorts = config ? portsOf(entry.definition, config as never) : rawPorts(entry, node)
    if (nodePorts) {
      ports.set(node.id, nodePorts)
    }
    if (config) {
      checked.set(node.id, { node, entry, config })
    }
  }
  return { checked, ports }
}

function checkMaxVisits(node: FlowNode, problems: FlowProblem[]) {
  const limit = node.maxVisits
  if (limit === undefined || limit === null) {
    return
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_VISITS_LIMIT) {
    problems.push(
      problem('max_visits_invalid', node.id, {
        values: { value: String(limit), max: MAX_VISITS_LIMIT },
      })
    )
  }
}

async function normaliseConfig(
  node: FlowNode,
  entry: RegisteredNodeType,
  context: FlowValidationContext,
  problems: FlowProblem[]
) {
  const { registry } = context
  const config = registry.upgradeConfig(node.type, node.config, {
    contactLists: context.contactLists ?? new Map(),
  })
  try {
    return await registry.validateConfig(node.type, config)
  } catch (error) {
    if (!(error instanceof NodeConfigInvalidException)) {
      throw error
    }
    problems.push(...configProblems(node, entry, error.messages))
    return null
  }
}

/**
 * Ports of a node whose configuration failed its schema: fixed ports, or
 * the port function's output when it copes with the raw configuration,
 * so edges from a half-configured branch are still checked.
 */
function rawPorts(entry: RegisteredNodeType, node: FlowNode) {
  if (typeof entry.definition.ports !== 'function') {
    return entry.definition.ports
  }
  try {
    const result = entry.definition.ports(node.config as never)
    return Array.isArray(result) ? result : null
  } catch {
    return null
  }
}

function checkEdges(
  edges: FlowEdge[],
  nodes: Map<string, FlowNode>,
  ports: Map<string, PortDefinition[]>,
  problems: FlowProblem[]
) {
  const edgesByPort = new Map<string, Map<string, FlowEdge[]>>()
  for (const edge of edges) {
    const source = nodes.get(edge.source)
    const target = nodes.get(edge.target)
    if (!source || !target) {
      const nodeId = source?.id ?? target?.id ?? null
      const missing = source ? edge.target : edge.source
      problems.push(problem('dangling_edge', nodeId, { edgeId: edge.id, values: { missing } }))
      continue
    }
    const sourcePorts = ports.get(source.id)
    if (sourcePorts && !sourcePorts.some((port) => port.id === edge.sourcePort)) {
      problems.push(
        problem('unknown_port', source.id, { edgeId: edge.id, values: { port: edge.sourcePort } })
      )
      continue
    }
    if (target.type === ENTRY_NODE_TYPE) {
      problems.push(problem('edge_into_entry', source.id, { edgeId: edge.id }))
      continue
    }
    const byPort = edgesByPort.get(source.id) ?? new Map<string, FlowEdge[]>()
    byPort.set(edge.sourcePort, [...(byPort.get(edge.sourcePort) ?? []), edge])
    edgesByPort.set(source.id, byPort)
  }
  return edgesByPort
}

function checkEntry(
  nodes: Map<string, FlowNode>,
  edgesByPort: Map<string, Map<string, FlowEdge[]>>,
  problems: FlowProblem[]
) {
  const entries = [...nodes.values()].filter((node) => node.type === ENTRY_NODE_TYPE)
  if (entries.length === 0) {
    problems.push(problem('no_entry', null))
    return null
  }
  for (const extra of entries.slice(1)) {
    problems.push(problem('multiple_entries', extra.id))
  }
  const next = edgesByPort.get(entries[0].id)?.get(ENTRY_PORT) ?? []
  if (next.length === 0) {
    problems.push(problem('entry_unconnected', entries[0].id))
    return null
  }
  return next[0].target
}

function checkPorts(
  nodes: Map<string, FlowNode>,
  ports: Map<string, PortDefinition[]>,
  edgesByPort: Map<string, Map<string, FlowEdge[]>>,
  problems: FlowProblem[]
) {
  for (const [nodeId, nodePorts] of ports) {
    const isEntry = nodes.get(nodeId)?.type === ENTRY_NODE_TYPE
    for (const port of nodePorts) {
      const edges = edgesByPort.get(nodeId)?.get(port.id) ?? []
      const portValues = { port: port.id, portKey: port.label ?? '', portText: port.text ?? '' }
      if (edges.length > 1) {
        problems.push(problem('port_has_several_edges', nodeId, { values: portValues }))
      }
      if (edges.length === 0 && port.required && !isEntry) {
        problems.push(problem('port_unconnected', nodeId, { values: portValues }))
      }
    }
  }
}

function reachableFrom(
  firstNodeId: string | null,
  edgesByPort: Map<string, Map<string, FlowEdge[]>>
) {
  const reached = new Set<string>()
  const queue = firstNodeId ? [firstNodeId] : []
  while (queue.length > 0) {
    const nodeId = queue.shift()!
    if (reached.has(nodeId)) {
      continue
    }
    reached.add(nodeId)
    for (const edges of edgesByPort.get(nodeId)?.values() ?? []) {
      queue.push(...edges.map((edge) => edge.target))
    }
  }
  return reached
}

function checkVariables(
  checked: Map<string, CheckedNode>,
  context: FlowValidationContext,
  problems: FlowProblem[]
) {
  for (const { node, entry, config } of checked.values()) {
    const found: FlowProblem[] = []
    for (const field of entry.definition.fields) {
      if (field.kind === 'template' && config[field.name]) {
        found.push(
          ...messageProblems(node.id, field.name, config[field.name] as TemplateValue, context)
        )
      }
    }
    const issues = entry.definition.validate?.(config as never, {
      knownVariables: context.knownVariables,
      customFields: context.customFields ?? new Map(),
      contactLists: context.contactLists ?? new Map(),
      contactFields: context.contactFields ?? new Map(Object.entries(STANDARD_CONTACT_FIELDS)),
    })
    for (const issue of issues ?? []) {
      const values = issue.values ?? {}
      const duplicate = found.some(
        (other) => UNKNOWN_VARIABLE_CODES.has(other.code) && other.values.name === values.name
      )
      if (!(issue.message.endsWith('.unknown_variable') && duplicate)) {
        found.push({
          ...problem('node_issue', node.id, { field: issue.field, values }),
          message: issue.message,
          ...(typeof issue.text === 'string' ? { text: issue.text } : {}),
        })
      }
    }
    problems.push(...found)
  }
}

function messageProblems(
  nodeId: string,
  field: string,
  value: TemplateValue,
  context: FlowValidationContext
) {
  let names: string[] = []
  if (typeof value.templateId === 'number') {
    const variables = context.templateVariables.get(value.templateId)
    if (!variables) {
      return [problem('template_missing', nodeId, { field, values: { id: value.templateId } })]
    }
    names = variables
  } else if (typeof value.text === 'string') {
    const parsed = parseTemplate(value.text)
    if (!parsed.ok) {
      const first = parsed.problems[0]
      return [
        problem('message_syntax', nodeId, {
          field,
          values: { column: first.column, line: first.line },
        }),
      ]
    }
    names = variablesToDefine(parsed.nodes)
  }
  return [...new Set(names)]
    .filter((name) => !context.knownVariables.has(name))
    .map((name) => unknownVariableProblem(nodeId, field, name))
}

/** Reports a variable that no contact field or campaign variable fills. */
function unknownVariableProblem(nodeId: string, field: string, name: string) {
  if (!name.startsWith(CAMPAIGN_PREFIX)) {
    return problem('unknown_variable', nodeId, { field, values: { name } })
  }
  const variable = name.slice(CAMPAIGN_PREFIX.length)
  return problem('unknown_campaign_variable', nodeId, { field, values: { name, variable } })
}

/**
 * Reports every node on a cycle that passes no node which always pauses and
 * no node with a visit limit. Removing those nodes first leaves exactly the
 * cycles that could spin without end.
 */
function checkLoops(
  reachable: Set<string>,
  nodes: Map<string, FlowNode>,
  checked: Map<string, CheckedNode>,
  edgesByPort: Map<string, Map<string, FlowEdge[]>>,
  problems: FlowProblem[]
) {
  const bounded = (nodeId: string) => {
    const node = nodes.get(nodeId)!
    if (typeof node.maxVisits === 'number' && node.maxVisits >= 1) {
      return true
    }
    const entry = checked.get(nodeId)
    const pauses = entry?.entry.definition.alwaysPauses
    return typeof pauses === 'function' ? pauses(entry!.config as never) : pauses === true
  }

  const candidates = [...reachable].filter((nodeId) => !bounded(nodeId))
  const kept = new Set(candidates)
  const successors = new Map<string, string[]>()
  for (const nodeId of candidates) {
    const targets = [...(edgesByPort.get(nodeId)?.values() ?? [])].flat().map((edge) => edge.target)
    successors.set(
      nodeId,
      targets.filter((target) => kept.has(target))
    )
  }
  for (const component of cyclicComponents(candidates, successors)) {
    for (const nodeId of component) {
      problems.push(problem('unbounded_loop', nodeId, { values: { size: component.length } }))
    }
  }
}

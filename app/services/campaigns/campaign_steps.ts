import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import Template from '#models/template'
import CustomField from '#models/custom_field'
import ContactList from '#models/contact_list'
import { nodeTypes } from '#flow/node_type_registry'
import { stepName, type Translate } from '#flow/step_names'
import { ENTRY_NODE_TYPE, ENTRY_PORT, type FlowNode } from '#flow/flow_graph'
import { translatePorts } from '#flow/palette'
import { runInTenant } from '#tenancy/tenant_context'

/** The source of a campaign's nodes that is searched first. */
export interface StepSource {
  /**
   * A published version of the campaign's flow whose nodes win over the
   * draft's, such as the version in use, for a report of what it ran.
   */
  versionId?: number | null
}

/**
 * Finds the nodes of a campaign's flow with the given ids. It searches the
 * version `source` names, then the draft, then the published versions from
 * the newest, so a step deleted from the draft keeps its last published name.
 */
async function findNodes(campaignId: number, nodeIds: Set<string>, source: StepSource = {}) {
  const found = new Map<string, FlowNode>()
  const take = (nodes: FlowNode[]) => {
    for (const node of nodes) {
      if (nodeIds.has(node.id) && !found.has(node.id)) {
        found.set(node.id, node)
      }
    }
  }

  if (source.versionId) {
    const version = await FlowVersion.query()
      .where('campaign_id', campaignId)
      .where('id', source.versionId)
      .select('id', 'graph')
      .first()
    take(version?.graph.nodes ?? [])
    if (found.size === nodeIds.size) {
      return found
    }
  }
  const draft = await Flow.findBy('campaign_id', campaignId)
  take(draft?.graph.nodes ?? [])
  if (found.size === nodeIds.size) {
    return found
  }
  const versions = await FlowVersion.query()
    .where('campaign_id', campaignId)
    .select('id', 'number', 'graph')
    .orderBy('number', 'desc')
  for (const version of versions) {
    take(version.graph.nodes)
    if (found.size === nodeIds.size) {
      break
    }
  }
  return found
}

/** Reads the names of the saved templates the nodes' configurations name, archived ones included. */
async function templateNamesOf(nodes: Iterable<FlowNode>) {
  const ids = new Set<number>()
  for (const node of nodes) {
    for (const value of Object.values(node.config ?? {})) {
      const templateId = (value as { templateId?: unknown } | null)?.templateId
      if (typeof templateId === 'number') {
        ids.add(templateId)
      }
    }
  }
  if (ids.size === 0) {
    return new Map<number, string>()
  }
  const templates = await Template.query()
    .whereIn('id', [...ids])
    .select('id', 'name')
  return new Map(templates.map((template) => [template.id, template.name]))
}

/**
 * Names the steps of a campaign by node id as the flow editor shows them,
 * such as "Send message · Welcome". Two steps that
 * would read the same get their id in brackets. An id that no version of
 * the flow has is left out, so callers show the id itself.
 */
export async function campaignStepNames(
  tenantId: number,
  campaignId: number,
  nodeIds: Iterable<string>,
  t: Translate,
  source: StepSource = {}
) {
  const requested = new Set(nodeIds)
  if (requested.size === 0) {
    return new Map<string, string>()
  }
  return runInTenant(tenantId, async () => {
    const nodes = await findNodes(campaignId, requested, source)
    const fields = await CustomField.query().select('key', 'label')
    const lists = await ContactList.query().select('id', 'name')
    const sources = {
      registry: nodeTypes,
      templateNames: await templateNamesOf(nodes.values()),
      customFieldLabels: new Map(fields.map((field) => [field.key, field.label])),
      contactListNames: new Map(lists.map((list) => [list.id, list.name])),
    }
    const names = new Map(
      [...nodes.values()].map((node) => [node.id, stepName(node, sources, t)] as const)
    )
    const counts = new Map<string, number>()
    for (const name of names.values()) {
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    for (const [nodeId, name] of names) {
      if (counts.get(name)! > 1) {
        names.set(nodeId, `${name} (${nodeId})`)
      }
    }
    return names
  })
}

/**
 * Labels a step's ports by port id as the flow editor shows them, such as
 * `sent` to "Sent" or a reply rule's id to its name. A type no longer
 * registered, or a configuration its ports cannot be read from, gives an
 * empty map, so callers show the port id.
 */
function portLabelsOf(node: FlowNode, t: Translate) {
  if (node.type === ENTRY_NODE_TYPE) {
    return new Map([[ENTRY_PORT, t('flow.entry.port')]])
  }
  if (!nodeTypes.get(node.type)) {
    return new Map<string, string>()
  }
  try {
    const ports = nodeTypes.portsFor(node.type, node.config ?? {})
    return new Map(translatePorts(ports, t).map((port) => [port.id, port.label] as const))
  } catch {
    return new Map<string, string>()
  }
}

/**
 * Names the steps of a campaign like `campaignStepNames`, and labels each
 * step's ports in the reader's language, for reports that count journeys
 * by the port they left through. Both come from the same form of a step,
 * the one in the version `source` names when it has the step. An id that
 * no version of the flow has is left out.
 */
export async function campaignStepPorts(
  tenantId: number,
  campaignId: number,
  nodeIds: Iterable<string>,
  t: Translate,
  source: StepSource = {}
) {
  const requested = new Set(nodeIds)
  const names = await campaignStepNames(tenantId, campaignId, requested, t, source)
  const nodes = await runInTenant(tenantId, () => findNodes(campaignId, requested, source))
  const steps = new Map<string, { name: string; ports: Map<string, string> }>()
  for (const [nodeId, name] of names) {
    steps.set(nodeId, { name, ports: portLabelsOf(nodes.get(nodeId)!, t) })
  }
  return steps
}

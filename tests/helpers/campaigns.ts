import Campaign from '#models/campaign'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import { runInTenant } from '#tenancy/tenant_context'
import { emptyGraph, type FlowEdge, type FlowGraph, type FlowNode } from '#flow/flow_graph'

/** Creates a draft campaign with an empty draft flow in the tenant. */
export async function createCampaign(tenantId: number, attributes: Partial<Campaign> = {}) {
  return runInTenant(tenantId, async () => {
    const campaign = await Campaign.create({
      name: `Campaign ${Date.now()}`,
      state: 'draft',
      ...attributes,
    })
    await Flow.create({ campaignId: campaign.id, graph: emptyGraph(), revision: 0 })
    return campaign
  })
}

/**
 * Builds a campaign settings form that saves as it is: no audience or
 * number, sends from now on, 30 to 90 seconds apart, the tenant's quiet hours.
 */
export function campaignSettings(name: string) {
  return {
    name,
    listIds: [],
    segmentIds: [],
    channelInstanceIds: [],
    variables: [],
    startMode: 'now',
    startsAtLocal: null,
    minIntervalSeconds: 30,
    maxIntervalSeconds: 90,
    dailyCapPerNumber: null,
    pauseAfterSends: null,
    pauseMinutes: null,
    quietHours: { mode: 'tenant', window: null },
  }
}

/** Creates a campaign with a stored version 1, for routes that address a version. */
export async function createPublishedCampaign(tenantId: number) {
  const campaign = await createCampaign(tenantId)
  await runInTenant(tenantId, async () => {
    const version = await FlowVersion.create({
      campaignId: campaign.id,
      number: 1,
      graph: emptyGraph(),
      plan: { format: 1, entryNodeId: 'start', nodes: {} },
    })
    campaign.currentVersionId = version.id
    await campaign.save()
  })
  return campaign
}

export function graphNode(
  id: string,
  type: string,
  config: Record<string, unknown> = {}
): FlowNode {
  return { id, type, position: { x: 0, y: 0 }, config }
}

export function sendNode(id: string, text: string) {
  return graphNode(id, 'send', {
    message: { templateId: null, text },
    media: null,
    instanceId: null,
  })
}

/** Builds a flow whose one send node, `hello`, sends the saved template `templateId`. */
export function templateSendFlow(templateId: number): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      graphNode('hello', 'send', {
        message: { templateId, text: null },
        media: null,
        instanceId: null,
      }),
    ],
    edges: [graphEdge('start', 'next', 'hello')],
  }
}

export function graphEdge(source: string, sourcePort: string, target: string): FlowEdge {
  return { id: `${source}-${sourcePort}-${target}`, source, sourcePort, target }
}

/** Send, then Branch on reply (SIM / NÃO / no reply after 1 hour), then a different Send on each port. */
export function replyFlow(): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      sendNode('ask', 'Hi {{name|there}}, will you come? Reply SIM or NÃO'),
      graphNode('branch', 'branch_on_reply', {
        timeout: { amount: 1, unit: 'hours' },
        rules: [
          { id: 'sim', name: 'SIM', match: 'keywords', keywords: ['SIM'], pattern: null },
          { id: 'nao', name: 'NÃO', match: 'keywords', keywords: ['NÃO'], pattern: null },
        ],
      }),
      sendNode('yes', 'Great, see you there!'),
      sendNode('no', 'Sorry to hear that.'),
      sendNode('silent', 'We did not hear from you.'),
    ],
    edges: [
      graphEdge('start', 'next', 'ask'),
      graphEdge('ask', 'sent', 'branch'),
      graphEdge('branch', 'sim', 'yes'),
      graphEdge('branch', 'nao', 'no'),
      graphEdge('branch', 'no_reply', 'silent'),
    ],
  }
}

import { db, Exception } from '#sdk'

/** Finds a campaign of the tenant with the nodes of its published flow, or raises a 404. */
export async function findCampaign(tenantId: number, campaignId: number) {
  const campaign = await db
    .from('campaigns')
    .where('tenant_id', tenantId)
    .where('id', campaignId)
    .select('id', 'name', 'state', 'current_version_id')
    .first()
  if (!campaign) {
    throw new Exception(
      `Campaign ${campaignId} not found in this workspace: pick one from the list`,
      {
        status: 404,
        code: 'E_CAMPAIGN_NOT_FOUND',
      }
    )
  }
  return {
    id: Number(campaign.id),
    name: String(campaign.name),
    state: String(campaign.state),
    nodes: await publishedNodes(tenantId, campaign.current_version_id),
  }
}

/** Length of a step's message preview in the per-step table. */
const PREVIEW_LENGTH = 60

/** Returns the start of a node's message text, when its configuration has one as Send steps do. */
function messagePreview(config: unknown) {
  const text = (config as { message?: { text?: unknown } } | null)?.message?.text
  if (typeof text !== 'string') {
    return null
  }
  const line = text.replace(/\s+/g, ' ').trim()
  if (!line) {
    return null
  }
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line
}

/**
 * Id, type and message preview of each node of the published flow version,
 * in graph order. Returns `[]` before publishing.
 */
async function publishedNodes(tenantId: number, versionId: number | null) {
  if (versionId === null) {
    return []
  }
  const version = await db
    .from('flow_versions')
    .where('tenant_id', tenantId)
    .where('id', versionId)
    .select('graph')
    .first()
  if (!version) {
    return []
  }
  const graph = JSON.parse(String(version.graph)) as {
    nodes?: { id: string; type: string; config?: unknown }[]
  }
  return (graph.nodes ?? [])
    .filter((node) => node.type !== 'start')
    .map((node) => ({ id: node.id, type: node.type, preview: messagePreview(node.config) }))
}

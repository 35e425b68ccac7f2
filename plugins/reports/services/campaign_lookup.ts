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

/** Reads a node's message: its saved template's id, or its inline text. */
function messageOf(config: unknown) {
  const message = (config as { message?: { templateId?: unknown; text?: unknown } } | null)?.message
  return {
    templateId: typeof message?.templateId === 'number' ? message.templateId : null,
    text: typeof message?.text === 'string' ? message.text : null,
  }
}

/** Returns the start of a text on one line, or `null` for an empty one. */
function clipped(text: string | null) {
  const line = text?.replace(/\s+/g, ' ').trim()
  if (!line) {
    return null
  }
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line
}

/**
 * Id, type and message preview of each node of the published flow version,
 * in graph order: the start of a Send step's text, or the name of its saved
 * template. Returns `[]` before publishing.
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
  const nodes = (graph.nodes ?? []).filter((node) => node.type !== 'start')
  const messages = new Map(nodes.map((node) => [node.id, messageOf(node.config)]))
  const templateIds = [...messages.values()].flatMap((message) =>
    message.templateId === null ? [] : [message.templateId]
  )
  const templates =
    templateIds.length === 0
      ? []
      : await db
          .from('templates')
          .where('tenant_id', tenantId)
          .whereIn('id', templateIds)
          .select('id', 'name')
  const templateNames = new Map(templates.map((row) => [Number(row.id), String(row.name)]))

  return nodes.map((node) => {
    const message = messages.get(node.id)!
    const preview =
      message.templateId === null
        ? clipped(message.text)
        : clipped(templateNames.get(message.templateId) ?? null)
    return { id: node.id, type: node.type, preview }
  })
}

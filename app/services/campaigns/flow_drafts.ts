import { Exception } from '@adonisjs/core/exceptions'
import db from '@adonisjs/lucid/services/db'
import type { PortDefinition } from '#sdk'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import type Campaign from '#models/campaign'
import { emptyGraph, type FlowGraph } from '#flow/flow_graph'
import { validateFlow } from '#flow/flow_validator'
import { graphFingerprint } from '#flow/flow_fingerprint'
import { validationContextFor } from '#services/campaigns/flow_validation_context'

/** Raised when a save names an older revision than the stored draft. */
export class FlowConflictException extends Exception {
  static status = 409
  static code = 'E_FLOW_CONFLICT'

  constructor(
    readonly storedRevision: number,
    sentRevision: number
  ) {
    super(
      `The draft is at revision ${storedRevision} but the save was based on ${sentRevision}: reload the editor to get the latest draft`
    )
  }
}

/** Returns the campaign's draft flow, making an empty one the first time. */
export async function draftOf(campaign: Campaign) {
  const existing = await Flow.query().where('campaign_id', campaign.id).first()
  if (existing) {
    return existing
  }
  return Flow.create({ campaignId: campaign.id, graph: emptyGraph(), revision: 0 })
}

/**
 * Returns whether the draft graph equals the graph of the version the
 * campaign runs, so publishing it would add a version with no change.
 * Returns false while the campaign has no published version.
 */
export async function draftMatchesCurrentVersion(campaign: Campaign, graph: FlowGraph) {
  if (campaign.currentVersionId === null) {
    return false
  }
  const current = await FlowVersion.find(campaign.currentVersionId)
  return current !== null && graphFingerprint(current.graph) === graphFingerprint(graph)
}

/**
 * Drops edges whose source or target node is not in the graph, so the
 * stored draft never keeps an edge of a deleted node.
 */
export function withoutOrphanEdges(graph: FlowGraph): FlowGraph {
  const ids = new Set(graph.nodes.map((node) => node.id))
  return {
    nodes: graph.nodes,
    edges: graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)),
  }
}

/**
 * Validates a draft and returns its problems with each node's ports, as
 * the editor shows them.
 */
export async function checkDraft(campaign: Campaign, graph: FlowGraph) {
  const validation = await validateFlow(graph, await validationContextFor(campaign, graph))
  const ports: Record<string, PortDefinition[]> = Object.fromEntries(validation.ports)
  return { problems: validation.problems, ports }
}

/**
 * Stores a new draft graph when `revision` is the stored revision, and
 * raises `FlowConflictException` otherwise. The row is locked for the
 * compare and the write, so two saves cannot both win.
 */
export async function saveDraft(
  campaign: Campaign,
  graph: FlowGraph,
  revision: number,
  userId: number
) {
  const cleaned = withoutOrphanEdges(graph)
  const flow = await draftOf(campaign)
  await db.transaction(async (trx) => {
    const locked = await Flow.query({ client: trx }).where('id', flow.id).forUpdate().firstOrFail()
    if (locked.revision !== revision) {
      throw new FlowConflictException(locked.revision, revision)
    }
    locked.merge({ graph: cleaned, revision: revision + 1, updatedBy: userId })
    await locked.save()
    flow.revision = locked.revision
    flow.graph = cleaned
  })
  return flow
}

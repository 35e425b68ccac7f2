import Campaign from '#models/campaign'
import { runInTenant } from '#tenancy/tenant_context'
import { draftOf } from '#services/campaigns/flow_drafts'
import { publishDraft } from '#services/campaigns/flow_publisher'
import { FlowInvalidException } from '#flow/flow_compiler'
import type { FlowGraph } from '#flow/flow_graph'
import { createCampaign } from '#tests/helpers/campaigns'

/**
 * Saves `graph` as a new campaign's draft, publishes it, and returns the
 * problems that rejected the publish, none when it was published.
 */
export async function publishProblems(tenantId: number, userId: number, graph: FlowGraph) {
  const campaign = await createCampaign(tenantId, {})
  return runInTenant(tenantId, async () => {
    const stored = await Campaign.findOrFail(campaign.id)
    const draft = await draftOf(stored)
    draft.graph = graph
    await draft.save()
    try {
      await publishDraft(stored, userId)
    } catch (error) {
      if (error instanceof FlowInvalidException) return error.problems
      throw error
    }
    return []
  })
}

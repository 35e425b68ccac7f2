import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import Campaign from '#models/campaign'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import { FlowInvalidException, compileFlow } from '#flow/flow_compiler'
import type { FlowGraph } from '#flow/flow_graph'
import { problem } from '#flow/flow_problems'
import type { Transaction } from '#plugins/sdk/transactions'
import { draftOf } from '#services/campaigns/flow_drafts'
import { validationContextFor } from '#services/campaigns/flow_validation_context'
import { isEnded } from '#services/campaigns/campaign_states'
import { lockRows } from '#services/database/batch_sql'
import { templateIdsOf } from '#services/templates/template_usage'

/**
 * Locks the saved templates the graph sends until the publish commits, and
 * raises `FlowInvalidException` with a `template_missing` problem at each
 * node whose template was deleted, or archived while the campaign has not
 * ended, since the draft was validated. A template's deletion locks the
 * same row for its usage check (see `deleteTemplate`), so the two never
 * interleave on MariaDB and MySQL. SQLite runs one writing transaction at
 * a time.
 */
async function lockTemplates(trx: Transaction, campaign: Campaign, graph: FlowGraph) {
  const ids = [...templateIdsOf(graph)]
  if (ids.length === 0) {
    return
  }
  const rows = await lockRows(trx, 'templates', ids, campaign.tenantId, ['id', 'archived_at'])
  const usable = new Set(
    rows
      .filter((row) => row.archived_at === null || isEnded(campaign.state))
      .map((row) => Number(row.id))
  )
  const problems = graph.nodes.flatMap((node) =>
    Object.entries(node.config ?? {}).flatMap(([field, value]) => {
      const templateId = (value as { templateId?: unknown } | null)?.templateId
      if (typeof templateId !== 'number' || usable.has(templateId)) {
        return []
      }
      return [problem('template_missing', node.id, { field, values: { id: templateId } })]
    })
  )
  if (problems.length > 0) {
    throw new FlowInvalidException(problems)
  }
}

/**
 * Publishes the campaign's draft as its next numbered version and makes it
 * the version new journeys start on. Journeys already running keep the
 * version they started on. Raises `FlowInvalidException` (E_FLOW_INVALID)
 * while the draft has problems, including a template deleted or archived
 * while it was being published; nothing is written then.
 */
export async function publishDraft(campaign: Campaign, userId: number) {
  const draft = await draftOf(campaign)
  const plan = await compileFlow(draft.graph, await validationContextFor(campaign, draft.graph))

  const version = await db.transaction(async (trx) => {
    const locked = await Campaign.query({ client: trx })
      .where('id', campaign.id)
      .forUpdate()
      .firstOrFail()
    await lockTemplates(trx, locked, draft.graph)
    const last = await FlowVersion.query({ client: trx })
      .where('campaign_id', campaign.id)
      .max('number as max_number')
      .first()
    const created = await FlowVersion.create(
      {
        campaignId: campaign.id,
        number: Number(last?.$extras.max_number ?? 0) + 1,
        graph: draft.graph,
        plan,
        publishedBy: userId,
      },
      { client: trx }
    )
    locked.currentVersionId = created.id
    await locked.save()
    await Flow.query({ client: trx })
      .where('id', draft.id)
      .update({ based_on_version_id: created.id })
    return created
  })

  campaign.currentVersionId = version.id
  logger.info(
    {
      tenantId: campaign.tenantId,
      campaignId: campaign.id,
      versionId: version.id,
      number: version.number,
    },
    'flow version published'
  )
  return version
}

/**
 * Replaces the draft with the graph of a published version. The versions
 * stay as they are, and the campaign keeps running its current version
 * until the restored draft is published.
 */
export async function restoreVersion(campaign: Campaign, version: FlowVersion, userId: number) {
  const draft = await draftOf(campaign)
  draft.merge({
    graph: version.graph,
    revision: draft.revision + 1,
    basedOnVersionId: version.id,
    updatedBy: userId,
  })
  await draft.save()
  return draft
}

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import Campaign, { type CampaignState } from '#models/campaign'
import Flow from '#models/flow'
import FlowVersion from '#models/flow_version'
import type Template from '#models/template'
import type { FlowGraph } from '#flow/flow_graph'
import { isEnded } from '#services/campaigns/campaign_states'
import drive from '@adonisjs/drive/services/main'
import { templateAuditValues } from '#services/templates/template_service'
import { recordAudit } from '#events/audit_record'
import { lockRows } from '#services/database/batch_sql'

/** A campaign whose draft flow or published versions send a template. */
export interface TemplateUser {
  id: number
  name: string
  state: CampaignState
}

/**
 * The campaigns that use a template: `active` ones have not ended (drafts,
 * scheduled, running and paused campaigns), `ended` ones finished or were
 * cancelled. Each list is ordered by campaign name.
 */
export interface TemplateUsage {
  active: TemplateUser[]
  ended: TemplateUser[]
}

/** Ids of the saved templates a graph names, in any configuration value of `{ templateId }` shape. */
export function templateIdsOf(graph: FlowGraph) {
  const ids = new Set<number>()
  for (const node of graph.nodes) {
    for (const value of Object.values(node.config ?? {})) {
      const templateId = (value as { templateId?: unknown } | null)?.templateId
      if (typeof templateId === 'number') {
        ids.add(templateId)
      }
    }
  }
  return ids
}

/**
 * Finds the campaigns of the current tenant whose draft or published
 * versions send the template. Graphs are stored by `JSON.stringify`, so a
 * `LIKE` on `"templateId":<id>` narrows the rows read, and each graph read
 * is then checked exactly (the pattern also matches longer ids). Reads
 * through `client` when given, such as the deletion's transaction.
 */
export async function templateUsage(
  templateId: number,
  client?: TransactionClientContract
): Promise<TemplateUsage> {
  const pattern = `%"templateId":${templateId}%`
  const drafts = await Flow.query({ client })
    .where('graph', 'like', pattern)
    .select('campaign_id', 'graph')
  const versions = await FlowVersion.query({ client })
    .where('graph', 'like', pattern)
    .select('campaign_id', 'graph')
  const campaignIds = new Set<number>()
  for (const flow of [...drafts, ...versions]) {
    if (templateIdsOf(flow.graph).has(templateId)) {
      campaignIds.add(flow.campaignId)
    }
  }

  const usage: TemplateUsage = { active: [], ended: [] }
  if (campaignIds.size === 0) {
    return usage
  }
  const campaigns = await Campaign.query({ client })
    .whereIn('id', [...campaignIds])
    .select('id', 'name', 'state')
    .orderBy('name')
  for (const campaign of campaigns) {
    const user = { id: campaign.id, name: campaign.name, state: campaign.state }
    usage[isEnded(campaign.state) ? 'ended' : 'active'].push(user)
  }
  return usage
}

/** The outcome of `deleteTemplate`. */
export type TemplateDeletion =
  | { outcome: 'deleted' }
  | { outcome: 'archived'; usage: TemplateUsage }
  | { outcome: 'in_use'; usage: TemplateUsage }

/**
 * Code that `deleteTemplate` runs inside its transaction, after the usage
 * check and before the change. Tests set it to run a publish in between.
 */
export const deletionHooks: { afterUsageCheck?: () => Promise<void> } = {}

/**
 * Deletes a template, unless a campaign uses it. A campaign that has not
 * ended would fail every journey that reaches the step, so its use rejects
 * the deletion (`in_use`). A template that only ended campaigns use is
 * archived (`archived`): it keeps its row, text and media, so their flows,
 * step names, reports and audit entries keep showing what they sent. A
 * template no campaign uses is deleted with its media (`deleted`).
 *
 * The check and the change run in one transaction that locks the
 * template's row on MariaDB and MySQL, as a publish of a flow that sends
 * the template does (see `publishDraft`). So a publish either commits
 * first and this check reads its version, or waits and then finds the
 * template gone or archived. SQLite runs one writing transaction at a time.
 */
export async function deleteTemplate(template: Template): Promise<TemplateDeletion> {
  const before = templateAuditValues(template)
  const mediaKey = template.mediaKey
  const result = await db.transaction(async (trx): Promise<TemplateDeletion> => {
    await lockRows(trx, 'templates', [template.id], template.tenantId, ['id'])
    const usage = await templateUsage(template.id, trx)
    await deletionHooks.afterUsageCheck?.()
    if (usage.active.length > 0) {
      return { outcome: 'in_use', usage }
    }
    template.useTransaction(trx)
    if (usage.ended.length > 0) {
      template.archivedAt = DateTime.utc()
      await template.save()
      return { outcome: 'archived', usage }
    }
    await template.delete()
    return { outcome: 'deleted' }
  })

  if (result.outcome === 'archived') {
    await recordAudit('template.archived', {
      targetType: 'template',
      targetId: template.id,
      before,
      after: { campaignIds: result.usage.ended.map((campaign) => campaign.id) },
    })
  }
  if (result.outcome === 'deleted') {
    if (mediaKey) {
      await drive.use().delete(mediaKey)
    }
    await recordAudit('template.deleted', { targetType: 'template', targetId: template.id, before })
  }
  return result
}

import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { sqlTime } from '#services/channels/sql_time'
import type { StepContext } from '#engine/step_context'
import { emitDomainEvent } from '#events/domain_events'

/** Code of a send step that failed because its text could not be rendered. */
export const RENDER_FAILURE_CODE = 'E_TEMPLATE_RENDER'

/** Maximum stored reason length, in characters: the column's size. */
const REASON_LIMIT = 500

/**
 * Records a send step that failed before its message existed, such as a
 * deleted template or a variable without a value, logs it as a warning and
 * emits `step:failed`. The campaign's failed count adds these rows, because
 * no `messages` row records the failure. A step that runs again after a
 * crash keeps its first row, through the unique `(journey_id, step)` key,
 * and emits the event again, because the first run may have stopped before
 * its event.
 */
export async function recordStepFailure(
  step: StepContext,
  failure: { code: string; reason: string; templateId: number | null; instanceId: number }
) {
  const { journey, data } = step
  logger.warn(
    {
      tenantId: journey.tenantId,
      campaignId: journey.campaignId,
      journeyId: journey.id,
      contactId: step.contact.id,
      nodeId: journey.nodeId,
      step: data.step,
      templateId: failure.templateId,
      code: failure.code,
      reason: failure.reason,
    },
    'campaign step failed before sending'
  )
  await db
    .table('step_failures')
    .insert({
      tenant_id: journey.tenantId,
      campaign_id: journey.campaignId,
      journey_id: journey.id,
      step: data.step,
      node_id: journey.nodeId,
      contact_id: step.contact.id,
      code: failure.code,
      reason: failure.reason.slice(0, REASON_LIMIT),
      created_at: sqlTime(step.now),
    })
    .onConflict(['journey_id', 'step'])
    .ignore()
  await emitDomainEvent('step:failed', {
    tenantId: journey.tenantId,
    occurredAt: step.now.toUTC().toISO()!,
    campaignId: journey.campaignId,
    contactId: step.contact.id,
    journeyId: journey.id,
    step: data.step,
    nodeId: journey.nodeId,
    instanceId: failure.instanceId,
    code: failure.code,
    reason: failure.reason,
  })
}

/** Counts a campaign's steps that failed before sending, by failure code. */
export async function stepFailureCounts(campaignId: number) {
  const rows = await db
    .from('step_failures')
    .where('campaign_id', campaignId)
    .select('code')
    .count('* as total')
    .groupBy('code')
  return new Map<string, number>(rows.map((row) => [String(row.code), Number(row.total)]))
}

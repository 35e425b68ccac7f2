import { CAMPAIGN_CANCELLED_CODE, db, fromSqlTime } from '#sdk'
import type { CountedMessage } from './counter_store.js'
import { MESSAGE_STAGES, type StageEvent } from './stages.js'

/**
 * Reads messages of the tenant, by one query, each with the stages its row
 * shows it reached, at their stored times. A receipt may move a message past
 * a stage without an event for it (a `delivered` receipt for a message never
 * reported `sent` sets both times), so the row, not the event, decides what
 * is counted. A failure with `CAMPAIGN_CANCELLED_CODE` is the stage
 * `cancelled`, at the failure's time. Ids of other tenants' or deleted
 * messages are left out.
 * `failureCode` is the message's stored failure code, `null` when it has none.
 */
export async function readMessageStages(tenantId: number, messageIds: number[]) {
  const rows = await db
    .from('messages')
    .where('tenant_id', tenantId)
    .whereIn('id', messageIds)
    .select(
      'id',
      'campaign_id',
      'instance_id',
      'node_id',
      'failure_code',
      ...MESSAGE_STAGES.map(timeColumn)
    )
  return rows.map((row) => stagesOfRow(tenantId, row))
}

function stagesOfRow(tenantId: number, row: Record<string, any>) {
  const stages: StageEvent[] = []
  for (const stage of MESSAGE_STAGES) {
    const at = fromSqlTime(row[timeColumn(stage)])
    if (!at) {
      continue
    }
    // A message a cancel stopped before its send was never sent, so it counts as cancelled.
    const cancelled = stage === 'failed' && row.failure_code === CAMPAIGN_CANCELLED_CODE
    stages.push({ stage: cancelled ? 'cancelled' : stage, at })
  }
  const message: CountedMessage = {
    tenantId,
    messageId: Number(row.id),
    campaignId: row.campaign_id === null ? null : Number(row.campaign_id),
    instanceId: Number(row.instance_id),
    nodeId: row.node_id,
  }
  const failureCode = row.failure_code === null ? null : String(row.failure_code)
  return { message, stages, failureCode }
}

function timeColumn(stage: string) {
  return `${stage}_at`
}

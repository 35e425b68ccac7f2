import { db } from '#sdk'
import type { CountedMessage } from './counter_store.js'
import { MESSAGE_STAGES, type StageEvent } from './stages.js'

/** A stored time as the database driver returns it: a `Date` on MariaDB, UTC text on SQLite. */
export function toDate(value: Date | string | null): Date | null {
  if (value === null || value instanceof Date) {
    return value
  }
  const iso = value.includes('T') ? value : `${value.replace(' ', 'T')}Z`
  return new Date(iso)
}

/**
 * Reads a message of the tenant with the stages its row shows it reached,
 * each at its stored time. A receipt may move a message past a stage without
 * an event for it (a `delivered` receipt for a message never reported
 * `sent` sets both times), so the row, not the event, decides what is counted.
 */
export async function readMessageStages(tenantId: number, messageId: number) {
  const row = await db
    .from('messages')
    .where('tenant_id', tenantId)
    .where('id', messageId)
    .select('id', 'campaign_id', 'instance_id', 'node_id', ...MESSAGE_STAGES.map(timeColumn))
    .first()
  if (!row) {
    return null
  }

  const stages: StageEvent[] = []
  for (const stage of MESSAGE_STAGES) {
    const at = toDate(row[timeColumn(stage)])
    if (at) {
      stages.push({ stage, at })
    }
  }
  const message: CountedMessage = {
    tenantId,
    messageId: Number(row.id),
    campaignId: row.campaign_id === null ? null : Number(row.campaign_id),
    instanceId: Number(row.instance_id),
    nodeId: row.node_id,
  }
  return { message, stages }
}

function timeColumn(stage: string) {
  return `${stage}_at`
}

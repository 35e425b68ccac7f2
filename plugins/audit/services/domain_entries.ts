import type { DomainEvents, PluginApi } from '#sdk'
import { recordEntry } from './recorder.js'

/** Returns the payload fields besides the tenant and time, kept as the entry's `after` values. */
function details(payload: object, omit: string[]) {
  const hidden = new Set(['tenantId', 'occurredAt', ...omit])
  return Object.fromEntries(Object.entries(payload).filter(([key]) => !hidden.has(key)))
}

type CampaignEventName =
  | 'campaign:scheduled'
  | 'campaign:started'
  | 'campaign:paused'
  | 'campaign:resumed'
  | 'campaign:cancelled'
  | 'campaign:finished'

const CAMPAIGN_EVENTS: CampaignEventName[] = [
  'campaign:scheduled',
  'campaign:started',
  'campaign:paused',
  'campaign:resumed',
  'campaign:cancelled',
  'campaign:finished',
]

/** Instance statuses worth an entry, by the action they record. Connecting, QR and retries are not. */
const INSTANCE_ACTIONS: Partial<Record<string, string>> = {
  open: 'instance.connected',
  closed: 'instance.disconnected',
  logged_out: 'instance.logged_out',
  restricted: 'instance.restricted',
}

function onCampaign(event: CampaignEventName, payload: DomainEvents[CampaignEventName]) {
  const after = details(payload, ['campaignId', 'userId'])
  return recordEntry({
    tenantId: payload.tenantId,
    action: event.replace(':', '.'),
    actorId: payload.userId,
    targetType: 'campaign',
    targetId: payload.campaignId,
    after: Object.keys(after).length > 0 ? after : null,
  })
}

/**
 * Records a status the channel reported by itself, such as a dropped phone
 * or a completed pairing, as the system's. A change a member requested
 * carries `userId` and is skipped, because the core records the member's
 * request with `audit:record` where it is made.
 */
async function onInstanceStatus(payload: DomainEvents['instance:status_changed']) {
  const action = INSTANCE_ACTIONS[payload.status]
  if (!action || (payload.userId !== null && payload.userId !== undefined)) {
    return
  }
  await recordEntry({
    tenantId: payload.tenantId,
    action,
    targetType: 'channel_instance',
    targetId: payload.instanceId,
    actorId: null,
    ipAddress: null,
    before: payload.previousStatus ? { status: payload.previousStatus } : null,
    after: { status: payload.status, channel: payload.channel, reason: payload.reason },
  })
}

function onRecord(payload: DomainEvents['audit:record']) {
  return recordEntry({
    tenantId: payload.tenantId,
    action: payload.action,
    actorId: payload.actorId,
    targetType: payload.targetType,
    targetId: payload.targetId,
    ipAddress: payload.ipAddress,
    before: payload.before,
    after: payload.after,
  })
}

/**
 * Subscribes the audit log to the catalogue's events that record a
 * member's or the system's action. Message and contact-change events are
 * left out: they come by the thousand per campaign and are in the
 * messages and contacts tables already.
 */
export function subscribeToDomainEvents(plugin: PluginApi) {
  for (const event of CAMPAIGN_EVENTS) {
    plugin.on(event, (payload) => onCampaign(event, payload).then(() => undefined))
  }
  plugin.on('instance:status_changed', onInstanceStatus)
  plugin.on('import:finished', async (payload) => {
    await recordEntry({
      tenantId: payload.tenantId,
      action: 'import.finished',
      actorId: payload.userId ?? null,
      targetType: 'contact_import',
      targetId: payload.importId,
      after: details(payload, ['importId', 'userId']),
    })
  })
  plugin.on('contact:opted_out', async (payload) => {
    await recordEntry({
      tenantId: payload.tenantId,
      action: 'contact.opted_out',
      actorId: payload.userId,
      targetType: 'contact',
      targetId: payload.contactId,
      after: details(payload, ['contactId', 'userId']),
    })
  })
  plugin.on('audit:record', async (payload) => {
    await onRecord(payload)
  })
}

import db from '@adonisjs/lucid/services/db'
import type { MediaValue } from '#sdk'
import Message, { type MessageRecord } from '#models/message'
import type { ChannelInstanceRecord } from '#models/channel_instance'
import { rowReader } from '#services/database/row_records'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { requireTenantScope } from '#tenancy/tenant_context'
import { createMessageId } from '#services/channels/channel_catalog'
import { announceQueued } from '#services/channels/message_service'
import { sqlTime } from '#services/channels/sql_time'
import { conversationsFor, recordOutboundInConversations } from '#services/inbox/conversations'

/** The message a journey step sends. */
export interface StepMessageInput {
  instance: ChannelInstanceRecord
  address: string
  body: string
  media: MediaValue | null
  contactId: number
  campaignId: number
  journeyId: number
  journeyStep: number
  nodeId: string
}

/** The message of a step, and whether this call stored it. */
interface StoredStepMessage {
  message: MessageRecord
  created: boolean
}

interface PreparedMessage {
  input: StepMessageInput
  providerMessageId: string
}

function stepKey(journeyId: number, journeyStep: number) {
  return `${journeyId}:${journeyStep}`
}

/**
 * Messages of concurrent journey steps on one instance, stored together:
 * their conversations (see `conversationsFor`), one multi-row insert of
 * the messages and one update of the conversations' last message. The
 * insert skips a step that already has its message, which
 * `(journey_id, journey_step)` keeps unique, and every step gets the
 * message stored for it.
 */
const batches = new KeyedBatcher<string, PreparedMessage, Map<PreparedMessage, StoredStepMessage>>(
  (scope, items) => {
    const [tenantId, instanceId] = scope.split(':').map(Number)
    return storeStepMessages(tenantId, instanceId, items)
  }
)

async function storeStepMessages(tenantId: number, instanceId: number, items: PreparedMessage[]) {
  const conversations = await conversationsFor(
    tenantId,
    instanceId,
    items.map(({ input }) => ({ address: input.address, contactId: input.contactId }))
  )
  const now = sqlTime()
  const rows = items.map(({ input, providerMessageId }) => ({
    tenant_id: tenantId,
    direction: 'out',
    instance_id: instanceId,
    conversation_id: conversations.get(input.address) ?? null,
    contact_id: input.contactId,
    campaign_id: input.campaignId,
    journey_id: input.journeyId,
    journey_step: input.journeyStep,
    node_id: input.nodeId,
    provider_message_id: providerMessageId,
    address: input.address,
    body: input.body,
    media: input.media === null ? null : JSON.stringify(input.media),
    status: 'queued',
    queued_at: now,
    created_at: now,
    updated_at: now,
  }))
  await db.table('messages').multiInsert(rows).onConflict(['journey_id', 'journey_step']).ignore()

  const stored = await readStepRows(
    tenantId,
    items.map(({ input }) => [input.journeyId, input.journeyStep])
  )
  // Each step gets a model of its own, so one job's changes never reach another's.
  const results = new Map<PreparedMessage, StoredStepMessage>()
  for (const item of items) {
    const row = stored.get(stepKey(item.input.journeyId, item.input.journeyStep))
    if (row) {
      const message = toMessage(row)
      results.set(item, { message, created: message.providerMessageId === item.providerMessageId })
    }
  }
  const created = [...results.values()].filter((result) => result.created)
  await recordOutboundInConversations(created.map((result) => result.message))
  return results
}

/** Reads the stored messages of journey steps, by `stepKey`, with one query. */
async function readStepRows(tenantId: number, keys: [number, number][]) {
  const rows = await db
    .from('messages')
    .where('tenant_id', tenantId)
    .whereIn(['journey_id', 'journey_step'], keys)
  return new Map(
    rows.map((row) => [stepKey(Number(row.journey_id), Number(row.journey_step)), row])
  )
}

const toMessage = rowReader(Message)

/**
 * Creates the `queued` message of a journey step, with its provider
 * message id chosen now by the instance's channel, together with the
 * concurrent steps' messages on the instance. A step that already has its
 * message (a second run of the step) gets that one, with `created: false`
 * and no event. Runs inside the instance's tenant scope.
 */
export async function createStepMessage(input: StepMessageInput) {
  const tenantId = requireTenantScope(Message.name)
  const prepared = { input, providerMessageId: createMessageId(input.instance.channel) }
  const results = await batches.add(`${tenantId}:${input.instance.id}`, prepared)
  const result = results.get(prepared)
  if (!result) {
    throw new Error(`Message of journey ${input.journeyId} step ${input.journeyStep} not stored`)
  }
  if (result.created) {
    await announceQueued(result.message)
  }
  return result
}

/**
 * Stored messages of journey steps, read for concurrent steps of a tenant
 * by one query on `(journey_id, journey_step)`.
 */
const stepReads = new KeyedBatcher<number, [number, number], Map<string, Record<string, unknown>>>(
  (tenantId, keys) => readStepRows(tenantId, keys)
)

/** Finds the message a journey step already stored, if any. Runs inside the tenant's scope. */
export async function findStepMessage(tenantId: number, journeyId: number, journeyStep: number) {
  const rows = await stepReads.add(tenantId, [journeyId, journeyStep])
  const row = rows.get(stepKey(journeyId, journeyStep))
  return row ? toMessage(row) : null
}

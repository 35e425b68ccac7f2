import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { DateTime } from 'luxon'
import type { Group } from '@japa/runner/core'
import type { Assert } from '@japa/assert'
import Campaign from '#models/campaign'
import Journey from '#models/journey'
import Message from '#models/message'
import type { FlowGraph } from '#flow/flow_graph'
import { runInTenant } from '#tenancy/tenant_context'
import { getQueue } from '#queues/queue_factory'
import { outboundQueueName } from '#services/channels/outbound_queue'
import { WorkerRole } from '#processes/worker_role'
import { publishDraft } from '#services/campaigns/flow_publisher'
import { draftOf } from '#services/campaigns/flow_drafts'
import { applyAction } from '#services/campaigns/campaign_states'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow, resetEngineClock, setEngineClock } from '#engine/clock'
import { promoteDueJobs } from '#engine/engine_queues'
import { createCampaign, graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { sandboxSendCount, startChannelsRole, waitFor } from '#tests/helpers/channels'

/** Starts the worker role in the test process: every registered queue, engine included. */
export async function startWorkerRole() {
  await import('#start/jobs')
  const role = new WorkerRole(logger.child({ role: 'worker' }), 5000)
  await role.start()
  return role
}

/**
 * Runs the channels and worker roles in the test process for the group's
 * tests. Puts the engine clock back on the system clock after each test and
 * after the group.
 */
export function useEngineRoles(group: Group) {
  group.setup(async () => {
    const channels = await startChannelsRole()
    const worker = await startWorkerRole()
    return async () => {
      await worker.stop()
      await channels.stop()
      await resetEngineClock()
    }
  })
  group.each.teardown(() => resetEngineClock())
}

export interface ContactSeed {
  phone: string
  timezone?: string
  name?: string | null
}

/**
 * Inserts contacts and a list holding them, in bulk. Returns the list id
 * and the contact ids in the order given.
 */
export async function seedAudience(tenantId: number, contacts: ContactSeed[]) {
  const now = sqlTime()
  const [listId] = await db.table('contact_lists').insert({
    tenant_id: tenantId,
    name: `List ${Date.now()}-${Math.random()}`,
    created_at: now,
  })
  const ids: number[] = []
  // SQLite takes at most 500 rows in one multi-row insert.
  for (let start = 0; start < contacts.length; start += 500) {
    const chunk = contacts.slice(start, start + 500)
    await db.table('contacts').insert(
      chunk.map((contact) => ({
        tenant_id: tenantId,
        phone: contact.phone,
        name: contact.name ?? null,
        timezone: contact.timezone ?? 'America/Sao_Paulo',
        consent: 'opted_in',
        created_at: now,
      }))
    )
    const rows = await db
      .from('contacts')
      .where('tenant_id', tenantId)
      .whereIn(
        'phone',
        chunk.map((contact) => contact.phone)
      )
      .select('id', 'phone')
    const byPhone = new Map(rows.map((row) => [row.phone, Number(row.id)]))
    const chunkIds = chunk.map((contact) => byPhone.get(contact.phone)!)
    await db.table('contact_list_members').insert(
      chunkIds.map((contactId) => ({
        tenant_id: tenantId,
        contact_list_id: listId,
        contact_id: contactId,
        created_at: now,
      }))
    )
    ids.push(...chunkIds)
  }
  return { listId: Number(listId), contactIds: ids }
}

/** A distinct E.164 number for test contacts: `+55<area>9<8 digits>`. */
export function phoneNumber(area: number, index: number) {
  return `+55${area}9${String(10_000_000 + index).slice(-8)}`
}

/** Builds a flow whose one send node, `hello`, sends `text` to every contact. */
export function oneSendFlow(text = 'Olá'): FlowGraph {
  return {
    nodes: [graphNode('start', 'start'), sendNode('hello', text)],
    edges: [graphEdge('start', 'next', 'hello')],
  }
}

/** Creates a campaign with `graph` published as its current version. Unpaced unless told. */
export async function publishedCampaign(
  tenantId: number,
  userId: number,
  graph: FlowGraph,
  attributes: Partial<Campaign>
) {
  const campaign = await createCampaign(tenantId, {
    minIntervalSeconds: 0,
    maxIntervalSeconds: 0,
    ...attributes,
  })
  return runInTenant(tenantId, async () => {
    const stored = await Campaign.findOrFail(campaign.id)
    const draft = await draftOf(stored)
    draft.graph = graph
    await draft.save()
    await publishDraft(stored, userId)
    return Campaign.findOrFail(campaign.id)
  })
}

/**
 * Seeds `audience` contacts with phones of `area` into a new list and
 * publishes a campaign that sends them `text` once on `instanceId`.
 */
export async function oneSendAudienceCampaign(options: {
  tenantId: number
  userId: number
  instanceId: number
  audience: number
  area: number
  text: string
}) {
  const contacts = Array.from({ length: options.audience }, (_, index) => ({
    phone: phoneNumber(options.area, index),
  }))
  const { listId } = await seedAudience(options.tenantId, contacts)
  return publishedCampaign(options.tenantId, options.userId, oneSendFlow(options.text), {
    listIds: [listId],
    channelInstanceIds: [options.instanceId],
  })
}

/**
 * Asserts that a finished one-send campaign of `audience` contacts sent
 * each of them one message through sandbox instance `instanceId`, stored
 * one message and one journey per contact, and completed every journey.
 */
export async function assertSentOnceEach(
  assert: Assert,
  campaign: Campaign,
  instanceId: number,
  audience: number
) {
  assert.equal(await sandboxSendCount(instanceId), audience)
  const [{ recipients }] = await db
    .from('sandbox_sends')
    .where('instance_id', instanceId)
    .countDistinct('to_address as recipients')
  assert.equal(Number(recipients), audience, 'a contact got two messages or none')
  const messages = await campaignMessages(campaign)
  assert.lengthOf(messages, audience)
  const journeys = await campaignJourneys(campaign)
  assert.lengthOf(journeys, audience)
  assert.isTrue(
    journeys.every((journey) => journey.state === 'ended' && journey.endReason === 'completed'),
    'a journey did not end'
  )
}

export function startCampaign(campaign: Campaign, userId: number) {
  return runInTenant(campaign.tenantId, () => applyAction(campaign.id, 'start', userId))
}

export function campaignJourneys(campaign: Campaign) {
  return runInTenant(campaign.tenantId, () =>
    Journey.query().where('campaign_id', campaign.id).orderBy('contact_id')
  )
}

export function campaignMessages(campaign: Campaign) {
  return runInTenant(campaign.tenantId, () =>
    Message.query().where('campaign_id', campaign.id).where('direction', 'out').orderBy('id')
  )
}

/**
 * Waits until the campaign has `count` messages and each has its send job,
 * and returns those jobs in message order. A journey step stores its
 * message before it reserves the send's pace slot and adds the job, so
 * the messages alone do not show that the sends are queued.
 */
export async function waitForSends(campaign: Campaign, count: number, what: string) {
  return waitFor(async () => {
    const messages = await campaignMessages(campaign)
    const jobs = await Promise.all(
      messages.map((message) =>
        getQueue(outboundQueueName(message.instanceId)).getJob(`message-${message.id}`)
      )
    )
    return messages.length === count && jobs.every(Boolean) ? jobs.map((job) => job!) : null
  }, what)
}

export async function reloadCampaign(campaign: Campaign) {
  return runInTenant(campaign.tenantId, () => Campaign.findOrFail(campaign.id))
}

/** Waits until the campaign reached `state`. */
export function waitForCampaignState(campaign: Campaign, state: string, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const fresh = await reloadCampaign(campaign)
      return fresh.state === state
    },
    `campaign ${campaign.id} to be ${state}`,
    timeoutMs
  )
}

/** Moves the engine clock to `instant` and promotes the delayed jobs that became due. */
export async function moveClockTo(instant: DateTime) {
  await setEngineClock(instant)
  await promoteDueJobs(await engineNow())
}

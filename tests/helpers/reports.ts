import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import { parse } from 'csv-parse/sync'
import type User from '#models/user'
import ChannelInstance from '#models/channel_instance'
import Contact from '#models/contact'
import Journey from '#models/journey'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import {
  applyReceipt,
  createOutboundMessage,
  storeInbound,
} from '#services/channels/message_service'
import { optOut } from '#services/contacts/opt_out'
import { publishProgress } from '#engine/campaign_progress'
import { emitDomainEvent } from '#events/domain_events'
import type { StepFailedEvent } from '#sdk'
import { createPublishedCampaign, graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { publishedCampaign } from '#tests/helpers/engine'
import { draftOf } from '#services/campaigns/flow_drafts'
import Campaign from '#models/campaign'
import reportsEnglish from '../../plugins/reports/lang/en/reports.json' with { type: 'json' }
import reportsPortuguese from '../../plugins/reports/lang/pt-BR/reports.json' with { type: 'json' }

/** What happens to each recipient of the seeded campaign, in order. */
export type RecipientFate =
  'queued' | 'sent' | 'delivered' | 'read' | 'replied' | 'failed' | 'opted_out'

let sequence = 0

/** Start of this run's phone numbers, so runs that leave rows behind do not collide. */
const PHONE_BASE = 900_000_000 + Math.floor(Math.random() * 50_000_000)

export function sandboxInstance(tenantId: number, name = 'Reports') {
  sequence += 1
  return runInTenant(tenantId, () =>
    ChannelInstance.create({
      name: `${name} ${Date.now()}${sequence}`,
      channel: 'sandbox',
      status: 'open',
    })
  )
}

/**
 * Makes a published campaign with one journey per fate, and drives each
 * recipient's message through the real message service: receipts,
 * replies and opt-outs emit the domain events the reports count. Returns
 * the campaign, its instance and the messages.
 */
export async function seedCampaignTraffic(tenantId: number, fates: RecipientFate[]) {
  const campaign = await createPublishedCampaign(tenantId)
  const instance = await sandboxInstance(tenantId)
  const messages: Message[] = []

  for (const [index, fate] of fates.entries()) {
    sequence += 1
    const phone = `+5511${PHONE_BASE + sequence}`
    const message = await runInTenant(tenantId, async () => {
      const contact = await Contact.create({
        phone,
        name: `Recipient ${index}`,
        timezone: 'America/Sao_Paulo',
      })
      await Journey.create({
        campaignId: campaign.id,
        contactId: contact.id,
        flowVersionId: campaign.currentVersionId!,
        instanceId: instance.id,
        state: 'active',
        nodeId: index % 2 === 0 ? 'ask' : 'remind',
        step: 1,
      })
      const created = await createOutboundMessage({
        instance,
        address: phone,
        body: 'Hi',
        contactId: contact.id,
        campaignId: campaign.id,
        nodeId: index % 2 === 0 ? 'ask' : 'remind',
      })
      await driveTo(instance, created, contact, fate)
      return Message.findOrFail(created.id)
    })
    messages.push(message)
  }

  await runInTenant(tenantId, () => publishProgress(tenantId, campaign.id))
  return { campaign, instance, messages }
}

async function driveTo(
  instance: ChannelInstance,
  message: Message,
  contact: Contact,
  fate: RecipientFate
) {
  const receipt = (status: 'sent' | 'delivered' | 'read' | 'failed') =>
    applyReceipt(instance.id, {
      providerMessageId: message.providerMessageId,
      status,
      at: new Date(),
      code: status === 'failed' ? 'E_NOT_ON_WHATSAPP' : undefined,
      reason: status === 'failed' ? 'not on WhatsApp' : undefined,
    })

  if (fate === 'queued') {
    return
  }
  if (fate === 'failed') {
    await receipt('failed')
    return
  }
  await receipt('sent')
  if (fate === 'sent') {
    return
  }
  await receipt('delivered')
  if (fate === 'delivered') {
    return
  }
  await receipt('read')
  if (fate === 'replied') {
    await storeInbound(instance, {
      providerMessageId: `IN-${message.providerMessageId}`,
      from: contact.phone,
      fromName: null,
      text: 'SIM',
      media: null,
      receivedAt: new Date(),
      inReplyTo: null,
    })
  }
  if (fate === 'opted_out') {
    await optOut(contact, { reason: 'keyword', keyword: 'stop' })
  }
}

/**
 * Emits `step:failed` for the campaign's first journey at step 2 of node
 * `remind`, as the engine does for a send step whose text has no value for
 * a variable. `changes` replaces any field of the event.
 */
export async function emitStepFailure(
  campaign: { id: number; tenantId: number },
  instanceId: number,
  changes: Partial<StepFailedEvent> = {}
) {
  const journey = await db.from('journeys').where('campaign_id', campaign.id).first()
  await emitDomainEvent('step:failed', {
    tenantId: campaign.tenantId,
    campaignId: campaign.id,
    contactId: Number(journey.contact_id),
    journeyId: Number(journey.id),
    step: 2,
    nodeId: 'remind',
    instanceId,
    code: 'E_TEMPLATE_RENDER',
    reason: 'no value for name',
    ...changes,
  })
}

/** What the messages table says about a campaign, counted the slow way. */
export async function messageTableCounts(campaignId: number) {
  const outbound = () =>
    db.from('messages').where('campaign_id', campaignId).where('direction', 'out')
  const count = async (query: any) => {
    const row = await query.count('* as total').first()
    return Number(row.total)
  }
  return {
    queued: await count(outbound().whereNotNull('queued_at')),
    sent: await count(outbound().whereNotNull('sent_at')),
    delivered: await count(outbound().whereNotNull('delivered_at')),
    read: await count(outbound().whereNotNull('read_at')),
    failed: await count(outbound().whereNotNull('failed_at')),
    replied: await count(
      db
        .from('messages as inbound')
        .where('inbound.direction', 'in')
        .whereIn('inbound.contact_id', outbound().whereNotNull('sent_at').select('contact_id'))
    ),
    optedOut: await count(
      db
        .from('contacts')
        .where('consent', 'opted_out')
        .whereIn('id', outbound().select('contact_id'))
    ),
    enrolled: await count(db.from('journeys').where('campaign_id', campaignId)),
  }
}

/** Stage ids by their label in each language of the reports plugin. */
const STAGE_IDS = new Map(
  [reportsEnglish, reportsPortuguese].flatMap((labels) =>
    Object.entries(labels.stages as Record<string, string>).map(([id, label]) => [label, id])
  )
)

/**
 * Reads the funnel CSV export, in either language and with either
 * separator, as counts by stage id: its lines are the stage's label, then
 * its count.
 */
export function funnelFromCsv(csv: string) {
  const [header, ...lines] = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
  const separator = header.includes(';') ? ';' : ','
  return Object.fromEntries(
    lines.map((line) => {
      const [label, count] = line.split(separator)
      return [STAGE_IDS.get(label) ?? label, Number(count)]
    })
  )
}

/** Fetches an English CSV export as `user` and returns its records keyed by header. */
export async function csvRecords(client: ApiClient, url: string, user: User) {
  const response = await client.get(url).loginAs(user)
  response.assertStatus(200)
  return parse(response.text().replace(/^\uFEFF/, ''), { columns: true }) as Record<
    string,
    string
  >[]
}

/** Sums one column of CSV records or of report rows. */
export function columnTotal(records: Record<string, string | number>[], column: string) {
  return records.reduce((sum, record) => sum + Number(record[column]), 0)
}

/**
 * Publishes a campaign whose steps are stored out of flow order: Send
 * `ask`, Wait `later` (20 seconds), Branch on reply `branch` (SIM, NÃO,
 * any other reply, no reply after 2 minutes) leading to Sends `yes`, `no`
 * and `silent`. The engine's counters of every step are stored, and those
 * of a step `gone` the flow no longer has. The flow order is `STEP_ORDER`.
 */
export async function seedStepCounters(tenantId: number, userId: number) {
  const campaign = await publishedCampaign(
    tenantId,
    userId,
    {
      nodes: [
        graphNode('start', 'start'),
        sendNode('silent', 'We did not hear from you.'),
        graphNode('branch', 'branch_on_reply', {
          timeout: { amount: 2, unit: 'minutes' },
          rules: [
            { id: 'sim', name: 'SIM', match: 'keywords', keywords: ['SIM'], pattern: null },
            { id: 'nao', name: 'NÃO', match: 'keywords', keywords: ['NÃO'], pattern: null },
          ],
        }),
        sendNode('no', 'Sorry to hear that.'),
        sendNode('ask', 'Will you come? Reply SIM or NÃO'),
        graphNode('later', 'wait', { duration: { amount: 20, unit: 'seconds' } }),
        sendNode('yes', 'Great, see you there!'),
      ],
      edges: [
        graphEdge('branch', 'no_reply', 'silent'),
        graphEdge('branch', 'nao', 'no'),
        graphEdge('later', 'next', 'branch'),
        graphEdge('branch', 'sim', 'yes'),
        graphEdge('start', 'next', 'ask'),
        graphEdge('ask', 'sent', 'later'),
      ],
    },
    { listIds: [] }
  )
  const counters: [string, number, Record<string, number>][] = [
    ['ask', 0, { sent: 6 }],
    ['later', 0, { next: 6 }],
    ['branch', 1, { sim: 2, any: 2, no_reply: 1 }],
    ['yes', 0, { sent: 2 }],
    ['silent', 0, { sent: 1 }],
    ['no', 0, {}],
    ['gone', 0, { sent: 3 }],
  ]
  await db.table('campaign_node_counters').multiInsert(
    counters.map(([nodeId, waiting, ports]) => ({
      tenant_id: tenantId,
      campaign_id: campaign.id,
      node_id: nodeId,
      waiting,
      ports: JSON.stringify(ports),
    }))
  )
  return campaign
}

/** The order the per-step report lists the steps of `seedStepCounters`. */
export const STEP_ORDER = ['ask', 'later', 'branch', 'yes', 'no', 'silent', 'gone']

/**
 * Publishes a campaign whose contacts all wait at its Wait step: Send
 * `ask` sent 3 messages, 3 journeys wait at Wait `later` (1 day), and no
 * journey reached Branch on reply `branch` (SIM, NÃO, any other reply, no
 * reply after 1 hour) or the Sends `yes`, `no` and `silent` after it.
 * Only `ask` and `later` have counters. The
 * draft then moves on from the version in use: `branch` gets a rule
 * `talvez` and `silent` is deleted, both unpublished. The flow order of
 * the version in use is `UNREACHED_ORDER`.
 */
export async function seedUnreachedSteps(tenantId: number, userId: number) {
  const campaign = await publishedCampaign(
    tenantId,
    userId,
    {
      nodes: [
        graphNode('start', 'start'),
        sendNode('ask', 'Will you come? Reply SIM or NÃO'),
        graphNode('later', 'wait', { duration: { amount: 1, unit: 'days' } }),
        graphNode('branch', 'branch_on_reply', {
          timeout: { amount: 1, unit: 'hours' },
          rules: [
            { id: 'sim', name: 'SIM', match: 'keywords', keywords: ['SIM'], pattern: null },
            { id: 'nao', name: 'NÃO', match: 'keywords', keywords: ['NÃO'], pattern: null },
          ],
        }),
        sendNode('yes', 'Great, see you there!'),
        sendNode('no', 'Sorry to hear that.'),
        sendNode('silent', 'We did not hear from you.'),
      ],
      edges: [
        graphEdge('start', 'next', 'ask'),
        graphEdge('ask', 'sent', 'later'),
        graphEdge('later', 'next', 'branch'),
        graphEdge('branch', 'sim', 'yes'),
        graphEdge('branch', 'nao', 'no'),
        graphEdge('branch', 'no_reply', 'silent'),
      ],
    },
    { listIds: [] }
  )
  await db.table('campaign_node_counters').multiInsert([
    {
      tenant_id: tenantId,
      campaign_id: campaign.id,
      node_id: 'ask',
      waiting: 0,
      ports: '{"sent":3}',
    },
    { tenant_id: tenantId, campaign_id: campaign.id, node_id: 'later', waiting: 3, ports: '{}' },
  ])
  await runInTenant(tenantId, async () => {
    const draft = await draftOf(await Campaign.findOrFail(campaign.id))
    const graph = structuredClone(draft.graph)
    const branch = graph.nodes.find((node) => node.id === 'branch')!
    const rules = (branch.config as { rules: Record<string, unknown>[] }).rules
    rules.push({
      id: 'talvez',
      name: 'TALVEZ',
      match: 'keywords',
      keywords: ['TALVEZ'],
      pattern: null,
    })
    graph.nodes = graph.nodes.filter((node) => node.id !== 'silent')
    graph.edges = graph.edges.filter((edge) => edge.target !== 'silent')
    draft.graph = graph
    await draft.save()
  })
  return campaign
}

/** The order the per-step report lists the steps of `seedUnreachedSteps`. */
export const UNREACHED_ORDER = ['ask', 'later', 'branch', 'yes', 'no', 'silent']

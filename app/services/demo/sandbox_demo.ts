import { statSync } from 'node:fs'
import { basename } from 'node:path'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import ContactList from '#models/contact_list'
import Flow from '#models/flow'
import Template from '#models/template'
import type User from '#models/user'
import type { FlowEdge, FlowGraph, FlowNode } from '#flow/flow_graph'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import {
  createImportFromFile,
  emitImportFinished,
  previewImport,
} from '#services/imports/import_service'
import { runContactImport } from '#services/imports/contact_import_runner'
import { validateBody } from '#services/templates/template_service'
import { publishDraft } from '#services/campaigns/flow_publisher'
import { sandboxAccount } from '../../../plugins/sandbox/sandbox_account.js'

/** Names the demo records are found by, so a second seed run adds nothing. */
export const DEMO_NAMES = {
  instance: 'Demo sandbox number',
  list: 'Demo contacts',
  template: 'Demo invitation',
  campaign: 'Demo: invitation with reply',
}

/** The example CSV files the demo list is imported from, one import each. */
export const DEMO_CONTACT_FILES = ['basic.csv', 'excel-ptbr.csv', 'google-contacts.csv']

const TEMPLATE_BODY =
  'Olá {{primeiro_nome|tudo bem}}! Vamos abrir a loja no sábado às 10h, com *café* e _descontos_. ' +
  'Você vem? Responda *SIM* ou *NÃO*.'

/**
 * Seeds the current tenant of `owner` with what a newcomer needs to watch a
 * campaign run: a sandbox instance already paired (the channels role opens
 * it at start), a contact list imported from the example files, a template
 * and a published campaign ready to start. Each piece is looked up by name
 * first, so running it again changes nothing.
 */
export async function seedSandboxDemo(owner: User) {
  const tenantId = owner.currentTenantId
  if (tenantId === null) {
    throw new Error(`User ${owner.id} has no current tenant: sign up a tenant for it first`)
  }
  return runInTenant(tenantId, async () => {
    const instance = await demoInstance()
    const list = await demoList(owner, tenantId)
    const template = await demoTemplate()
    const campaign = await demoCampaign(owner, { instance, list, template })
    logger.info(
      { tenantId, instanceId: instance.id, listId: list.id, campaignId: campaign.id },
      'demo campaign seeded'
    )
    return { instance, list, template, campaign }
  })
}

/**
 * A sandbox instance with stored credentials and a non-terminal status,
 * the state a paired instance is left in when its channels process stops:
 * the next channels role takes it and the driver opens without a QR code.
 */
async function demoInstance() {
  const existing = await ChannelInstance.query()
    .where('channel', 'sandbox')
    .where('name', DEMO_NAMES.instance)
    .first()
  if (existing) {
    return existing
  }

  const instance = await createInstance({
    name: DEMO_NAMES.instance,
    channel: 'sandbox',
    config: { deliveredDelayMs: 1000, readDelayMs: 3000 },
  })
  const account = sandboxAccount(instance.id)
  instance.writeCredentials({ account, pairedAt: DateTime.utc().toISO() })
  instance.merge({
    status: 'connecting',
    statusAt: DateTime.utc(),
    accountAddress: account.address,
    accountName: account.name,
  })
  await instance.save()
  return instance
}

/**
 * The demo list, filled by the contact import runner from the example
 * files with the mapping it guesses, as an upload with the defaults would.
 * The import runs here and not on the queue, because the seed runs before
 * any worker does.
 */
async function demoList(owner: User, tenantId: number) {
  const existing = await ContactList.findBy('name', DEMO_NAMES.list)
  if (existing) {
    return existing
  }

  const list = await ContactList.create({
    name: DEMO_NAMES.list,
    description: `Imported from ${DEMO_CONTACT_FILES.join(', ')}`,
  })
  for (const file of DEMO_CONTACT_FILES) {
    const path = app.makePath('tests', 'fixtures', 'contacts', file)
    const contactImport = await createImportFromFile(
      { path, name: basename(path), size: statSync(path).size },
      owner.id,
      tenantId
    )
    const { mapping } = await previewImport(contactImport)
    contactImport.merge({
      mapping,
      options: { duplicates: 'skip', tags: ['demo'], listIds: [list.id] },
      status: 'queued',
    })
    await contactImport.save()
    await runContactImport(contactImport, () => {})
    await emitImportFinished(contactImport)
  }
  return list
}

async function demoTemplate() {
  const existing = await Template.query()
    .where('name', DEMO_NAMES.template)
    .whereNull('archived_at')
    .first()
  if (existing) {
    return existing
  }
  const { problems } = await validateBody(TEMPLATE_BODY, null)
  if (problems.length > 0) {
    throw new Error(`The demo template is invalid: ${JSON.stringify(problems)}`)
  }
  return Template.create({ name: DEMO_NAMES.template, body: TEMPLATE_BODY })
}

function node(
  id: string,
  type: string,
  x: number,
  y: number,
  config: Record<string, unknown> = {}
): FlowNode {
  return { id, type, position: { x, y }, config }
}

function send(id: string, x: number, y: number, message: { templateId?: number; text?: string }) {
  return node(id, 'send', x, y, {
    message: { templateId: message.templateId ?? null, text: message.text ?? null },
    media: null,
    instanceId: null,
  })
}

function edge(source: string, sourcePort: string, target: string): FlowEdge {
  return { id: `${source}-${sourcePort}-${target}`, source, sourcePort, target }
}

/**
 * Send the invitation, branch on the reply (SIM, NÃO, or none within two
 * minutes), and answer each case with its own message.
 */
export function demoFlow(templateId: number): FlowGraph {
  return {
    nodes: [
      node('start', 'start', 0, 0),
      send('invite', 0, 120, { templateId }),
      node('reply', 'branch_on_reply', 0, 260, {
        timeout: { amount: 2, unit: 'minutes' },
        rules: [
          { id: 'sim', name: 'SIM', match: 'keywords', keywords: ['SIM'], pattern: null },
          { id: 'nao', name: 'NÃO', match: 'keywords', keywords: ['NÃO', 'NAO'], pattern: null },
        ],
      }),
      send('confirmed', -320, 420, { text: 'Que ótimo, {{primeiro_nome|até lá}}! Até sábado.' }),
      send('declined', 0, 420, { text: 'Tudo bem! Avisamos da próxima vez.' }),
      send('silent', 320, 420, { text: 'Ainda dá tempo: responda *SIM* para confirmar.' }),
    ],
    edges: [
      edge('start', 'next', 'invite'),
      edge('invite', 'sent', 'reply'),
      edge('reply', 'sim', 'confirmed'),
      edge('reply', 'nao', 'declined'),
      edge('reply', 'no_reply', 'silent'),
    ],
  }
}

/**
 * A draft campaign with the demo flow published as version 1, sending to
 * the demo list through the demo instance every 1 to 3 seconds, so the
 * whole list is reached within a minute of pressing start.
 */
async function demoCampaign(
  owner: User,
  parts: { instance: ChannelInstance; list: ContactList; template: Template }
) {
  const existing = await Campaign.findBy('name', DEMO_NAMES.campaign)
  if (existing) {
    return existing
  }

  const campaign = await Campaign.create({
    name: DEMO_NAMES.campaign,
    state: 'draft',
    listIds: [parts.list.id],
    segmentIds: [],
    channelInstanceIds: [parts.instance.id],
    variables: {},
    startMode: 'now',
    minIntervalSeconds: 1,
    maxIntervalSeconds: 3,
    quietHours: { mode: 'tenant' },
    createdBy: owner.id,
  })
  await Flow.create({
    campaignId: campaign.id,
    graph: demoFlow(parts.template.id),
    revision: 1,
    updatedBy: owner.id,
  })
  await publishDraft(campaign, owner.id)
  return campaign
}

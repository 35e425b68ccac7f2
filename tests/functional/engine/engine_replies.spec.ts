import { test } from '@japa/runner'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Campaign from '#models/campaign'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { performAction } from '#services/channels/instance_service'
import { sqlTime } from '#services/channels/sql_time'
import { engineNow } from '#engine/clock'
import { storedProgress } from '#engine/campaign_progress'
import { createAudienceTenant, importThroughPages } from '#tests/helpers/audience'
import { graphEdge, graphNode, replyFlow, sendNode } from '#tests/helpers/campaigns'
import { loadInstance, pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  moveClockTo,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
} from '#tests/helpers/engine'

const AUDIENCE = 200

const FIRST_NAMES = ['Luís', 'Márcia', 'João Pedro', 'Patrícia', 'Conceição', 'Araújo', 'Inês']
const LAST_NAMES = ['Gonçalves', 'Simões', 'Brandão', 'Assunção', 'Magalhães', 'Falcão']
const CITIES = ['São Paulo', 'Niterói', 'Belém', 'Maceió', 'Goiânia', 'Florianópolis']
const AREAS = [11, 21, 31, 41, 51, 61, 71, 81, 85, 91]

/** The phone of row `index`, written the ways spreadsheets of Brazilian contacts mix. */
function spreadsheetPhone(index: number) {
  const area = AREAS[index % AREAS.length]
  const subscriber = String(91_000_000 + index * 37).padStart(8, '0')
  const head = `9${subscriber.slice(0, 4)}`
  const tail = subscriber.slice(4)
  const formats = [
    `(${area}) ${head}-${tail}`,
    `+55 ${area} ${head}-${tail}`,
    `55${area}${head}${tail}`,
    `${area} ${head}-${tail}`,
  ]
  return formats[index % formats.length]
}

/**
 * Writes a CSV the way Excel saves one in a pt-BR locale: Windows-1252,
 * semicolons, CRLF, accented names and mixed phone formats.
 */
async function writeSpreadsheet(rows: number) {
  const lines = ['Nome;Telefone;Cidade']
  for (let index = 0; index < rows; index++) {
    const name = `${FIRST_NAMES[index % FIRST_NAMES.length]} ${LAST_NAMES[index % LAST_NAMES.length]} ${index}`
    lines.push(`${name};${spreadsheetPhone(index)};${CITIES[index % CITIES.length]}`)
  }
  const folder = app.tmpPath('engine-tests')
  await mkdir(folder, { recursive: true })
  const file = join(folder, `contatos-${Date.now()}.csv`)
  await writeFile(file, iconv.encode(lines.join('\r\n') + '\r\n', 'win1252'))
  return file
}

/** A list of every contact of the tenant, for the campaign's audience. */
async function listOfAllContacts(tenantId: number) {
  const [listId] = await db
    .table('contact_lists')
    .insert({ tenant_id: tenantId, name: 'Planilha', created_at: sqlTime() })
  const contacts = await db.from('contacts').where('tenant_id', tenantId).select('id')
  await db.table('contact_list_members').insert(
    contacts.map((contact) => ({
      tenant_id: tenantId,
      contact_list_id: listId,
      contact_id: contact.id,
      created_at: sqlTime(),
    }))
  )
  return Number(listId)
}

/** The scripted reply of the contact at `index`: SIM, NÃO, or none, in the words people type. */
function scriptedReply(index: number) {
  const yes = ['SIM', 'Sim, vou sim!', 'sim']
  const no = ['NÃO', 'não posso', 'Nao']
  if (index % 4 === 0) return { port: 'sim', text: yes[index % 3] }
  if (index % 4 === 1) return { port: 'nao', text: no[index % 3] }
  return { port: 'no_reply', text: null }
}

async function reply(tenantId: number, instanceId: number, input: Record<string, unknown>) {
  const instance = await loadInstance(tenantId, instanceId)
  return runInTenant(tenantId, () => performAction(instance, 'reply', input))
}

async function receipt(
  tenantId: number,
  instanceId: number,
  providerMessageId: string,
  status: string
) {
  const instance = await loadInstance(tenantId, instanceId)
  return runInTenant(tenantId, () =>
    performAction(instance, 'receipt', { providerMessageId, status })
  )
}

function waitForParked(campaign: Campaign, count: number, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const journeys = await campaignJourneys(campaign)
      const parked = journeys.filter((journey) => journey.state === 'awaiting_reply')
      return parked.length === count ? journeys : null
    },
    `${count} journeys to wait for a reply`,
    timeoutMs
  )
}

/** Moves the engine clock `seconds` forward and runs the jobs that came due. */
async function moveClockBy(seconds: number) {
  const now = await engineNow()
  await moveClockTo(now.plus({ seconds }))
}

/**
 * Builds the flow Send → Wait 60 s → Branch on reply (SIM, 1 min), with a
 * second branch after SIM when `secondBranch` is set, so a test can tell
 * whether one reply resumed both.
 */
function waitThenBranchFlow(options: { countEarlierReplies?: boolean; secondBranch?: boolean }) {
  const branch = (id: string) =>
    graphNode(id, 'branch_on_reply', {
      timeout: { amount: 1, unit: 'minutes' },
      rules: [{ id: 'sim', name: 'SIM', match: 'keywords', keywords: ['SIM'], pattern: null }],
      ...(options.countEarlierReplies === undefined
        ? {}
        : { countEarlierReplies: options.countEarlierReplies }),
    })
  const nodes = [
    graphNode('start', 'start'),
    sendNode('ask', 'Vem amanhã? Responda SIM'),
    graphNode('pause', 'wait', { duration: { amount: 60, unit: 'seconds' } }),
    branch('branch'),
    sendNode('yes', 'Até amanhã!'),
    sendNode('silent', 'Não recebemos sua resposta.'),
  ]
  const edges = [
    graphEdge('start', 'next', 'ask'),
    graphEdge('ask', 'sent', 'pause'),
    graphEdge('pause', 'next', 'branch'),
    graphEdge('branch', 'no_reply', 'silent'),
  ]
  if (options.secondBranch) {
    nodes.push(branch('again'))
    edges.push(graphEdge('branch', 'sim', 'again'), graphEdge('again', 'sim', 'yes'))
  } else {
    edges.push(graphEdge('branch', 'sim', 'yes'))
  }
  return { nodes, edges }
}

/** Reads the ports the journeys of the campaign left the branch nodes by, in order. */
async function branchPorts(campaign: Campaign) {
  const steps = await db
    .from('journey_steps')
    .where('campaign_id', campaign.id)
    .whereIn('node_id', ['branch', 'again'])
    .whereNotNull('port')
    .orderBy('step')
  return steps.map((step) => `${step.node_id}:${step.port}`)
}

/**
 * Starts a one-contact campaign of `flow`, lets the contact reply `text`
 * while the journey waits at the Wait step, then moves the clock past the
 * wait and past each branch that still waits. Returns the campaign and its
 * number once the journey ended.
 */
async function replyDuringWait(flow: ReturnType<typeof waitThenBranchFlow>, text: string) {
  const { tenant, owner } = await createAudienceTenant()
  const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
  const phone = `+55119876${String(50_800 + tenant.id).slice(-5)}`
  const { listId } = await seedAudience(tenant.id, [{ phone }])
  const campaign = await publishedCampaign(tenant.id, owner.id, flow, {
    listIds: [listId],
    channelInstanceIds: [instance.id],
  })
  await startCampaign(campaign, owner.id)
  await waitFor(async () => {
    const journeys = await campaignJourneys(campaign)
    return journeys[0]?.state === 'waiting' && journeys[0].nodeId === 'pause'
  }, 'the journey to wait after the invitation')

  await reply(tenant.id, instance.id, { from: phone, text })
  await waitFor(async () => {
    const inbound = await runInTenant(tenant.id, () =>
      Message.query().where('instance_id', instance.id).where('direction', 'in')
    )
    return inbound.length === 1
  }, 'the reply to be stored')
  const [waiting] = await campaignJourneys(campaign)
  if (waiting.state !== 'waiting' || waiting.nodeId !== 'pause') {
    throw new Error(
      `the reply moved the journey during the wait: ${waiting.state} at ${waiting.nodeId}`
    )
  }

  await moveClockBy(61)
  // A step that takes an earlier reply parks with it claimed, so one still without a reply times out.
  for (;;) {
    const parked = await waitFor(async () => {
      const [journey] = await campaignJourneys(campaign)
      const waitsForReply = journey.state === 'awaiting_reply' && journey.replyMessageId === null
      return journey.state === 'ended' || waitsForReply ? journey : null
    }, 'the journey to end or wait for a reply')
    if (parked.state === 'ended') {
      break
    }
    await moveClockBy(61)
  }
  return { campaign, instance }
}

async function countBy(query: any, column: string) {
  const rows = await query.select(column).count('* as total').groupBy(column)
  return Object.fromEntries(rows.map((row: any) => [String(row[column]), Number(row.total)]))
}

test.group('Engine replies', (group) => {
  useEngineRoles(group)

  test('imported audience branches on replies', async ({ assert, client }) => {
    const { tenant, owner } = await createAudienceTenant()
    const imported = await importThroughPages(
      client,
      owner,
      tenant.id,
      await writeSpreadsheet(AUDIENCE)
    )
    assert.equal(imported.finished.status, 'finished')
    const listId = await listOfAllContacts(tenant.id)
    const instances = [
      await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 }),
      await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 }),
    ]
    const campaign = await publishedCampaign(tenant.id, owner.id, replyFlow(), {
      listIds: [listId],
      channelInstanceIds: instances.map((instance) => instance.id),
    })

    await startCampaign(campaign, owner.id)
    const parked = await waitForParked(campaign, AUDIENCE)
    const contacts = await db.from('contacts').where('tenant_id', tenant.id).select('id', 'phone')
    const phones = new Map(contacts.map((row) => [Number(row.id), String(row.phone)]))
    const expected: Record<string, number> = { sim: 0, nao: 0, no_reply: 0 }
    for (const [index, journey] of parked.entries()) {
      const scripted = scriptedReply(index)
      expected[scripted.port] += 1
      if (scripted.text) {
        await reply(tenant.id, journey.instanceId, {
          from: phones.get(journey.contactId),
          text: scripted.text,
        })
      }
    }
    const replied = expected.sim + expected.nao
    await waitFor(
      async () => {
        const journeys = await campaignJourneys(campaign)
        return journeys.filter((journey) => journey.state === 'ended').length === replied
      },
      'the replied journeys to end',
      60_000
    )
    assert.lengthOf(await waitForParked(campaign, expected.no_reply), AUDIENCE)

    const beforeTimeout = await engineNow()
    await moveClockTo(beforeTimeout.plus({ minutes: 61 }))
    await waitForCampaignState(campaign, 'finished', 60_000)
    await waitFor(
      async () => {
        const messages = await campaignMessages(campaign)
        return messages.every((message) => message.status === 'read')
      },
      'every message to be read',
      30_000
    )

    const ports = await countBy(
      db
        .from('journey_steps')
        .where('campaign_id', campaign.id)
        .where('node_id', 'branch')
        .whereNotNull('port'),
      'port'
    )
    assert.deepEqual(ports, expected)
    const bodies = await countBy(
      db.from('sandbox_sends').whereIn(
        'instance_id',
        instances.map((instance) => instance.id)
      ),
      'body'
    )
    assert.equal(bodies['Great, see you there!'], expected.sim)
    assert.equal(bodies['Sorry to hear that.'], expected.nao)
    assert.equal(bodies['We did not hear from you.'], expected.no_reply)
    const statuses = await countBy(
      db.from('messages').where('campaign_id', campaign.id).where('direction', 'out'),
      'status'
    )
    assert.deepEqual(statuses, { read: AUDIENCE * 2 })
    const perInstance = await Promise.all(
      instances.map((instance) => sandboxSendCount(instance.id))
    )
    assert.equal(perInstance[0] + perInstance[1], AUDIENCE * 2)
    assert.isAbove(perInstance[0], 0)
    assert.isAbove(perInstance[1], 0)

    const progress = await waitFor(async () => {
      const stored = await storedProgress(campaign.id)
      return stored?.totals.completed === AUDIENCE ? stored : null
    }, 'the final progress')
    assert.deepEqual(progress.nodes.branch.ports, expected)
    assert.deepEqual(progress.totals, {
      enrolled: AUDIENCE,
      active: 0,
      completed: AUDIENCE,
      sent: AUDIENCE * 2,
      failed: 0,
      cancelled: 0,
    })
    const page = await client
      .get(`/campaigns/${campaign.id}/progress`)
      .header('accept', 'application/json')
      .loginAs(owner)
    const { offline, ...pageProgress } = page.body().progress
    assert.isNull(offline)
    assert.deepEqual(pageProgress, progress)
  }).timeout(180_000)

  test('reply reported twice branches once', async ({ assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const phone = '+5511987650777'
    const { listId } = await seedAudience(tenant.id, [{ phone }])
    const campaign = await publishedCampaign(tenant.id, owner.id, replyFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })

    await startCampaign(campaign, owner.id)
    await waitForParked(campaign, 1)
    const report = { from: phone, text: 'SIM', providerMessageId: 'sandbox-dup-reply-1' }
    await Promise.all([
      reply(tenant.id, instance.id, report),
      reply(tenant.id, instance.id, report),
    ])
    await reply(tenant.id, instance.id, report)
    await waitForCampaignState(campaign, 'finished')

    const inbound = await runInTenant(tenant.id, () =>
      Message.query().where('instance_id', instance.id).where('direction', 'in')
    )
    assert.lengthOf(inbound, 1, 'the repeated report was stored again')
    const steps = await db
      .from('journey_steps')
      .where('campaign_id', campaign.id)
      .where('node_id', 'branch')
      .whereNotNull('port')
    assert.lengthOf(steps, 1, 'the branch was left more than once')
    assert.equal(steps[0].port, 'sim')
    const messages = await campaignMessages(campaign)
    assert.deepEqual(
      messages.map((message) => message.nodeId),
      ['ask', 'yes']
    )
    assert.equal(await sandboxSendCount(instance.id), 2)
  }).timeout(60_000)

  test('reply on a chosen number branches', async ({ assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const campaignNumber = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const chosen = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const phone = '+5511987650779'
    const { listId } = await seedAudience(tenant.id, [{ phone }])
    const flow = replyFlow()
    const ask = flow.nodes.find((node) => node.id === 'ask')!
    ask.config = { ...ask.config, instanceId: chosen.id }
    const campaign = await publishedCampaign(tenant.id, owner.id, flow, {
      listIds: [listId],
      channelInstanceIds: [campaignNumber.id],
    })

    await startCampaign(campaign, owner.id)
    const [parked] = await waitForParked(campaign, 1)
    assert.equal(
      parked.instanceId,
      chosen.id,
      'the journey waits on another number than the one that sent'
    )
    await reply(tenant.id, chosen.id, { from: phone, text: 'SIM' })
    await waitForCampaignState(campaign, 'finished')

    const messages = await campaignMessages(campaign)
    assert.deepEqual(
      messages.map((message) => [message.nodeId, message.instanceId]),
      [
        ['ask', chosen.id],
        ['yes', chosen.id],
      ]
    )
    assert.equal(await sandboxSendCount(campaignNumber.id), 0)
  }).timeout(60_000)

  test('late delivered after read changes nothing', async ({ assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readReceipts: false })
    const phone = '+5511987650778'
    const { listId } = await seedAudience(tenant.id, [{ phone }])
    const campaign = await publishedCampaign(tenant.id, owner.id, replyFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })

    await startCampaign(campaign, owner.id)
    await waitForParked(campaign, 1)
    const [delivered] = await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages[0]?.status === 'delivered' ? messages : null
    }, 'the first message to be delivered')

    await receipt(tenant.id, instance.id, delivered.providerMessageId, 'read')
    const [read] = await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages[0]?.status === 'read' ? messages : null
    }, 'the read receipt to apply')
    await receipt(tenant.id, instance.id, delivered.providerMessageId, 'delivered')
    // The channels role stores an inbound message after the receipts reported before it,
    // so once this reply is stored, the late receipt was applied.
    await reply(tenant.id, instance.id, { from: phone, text: 'NÃO' })
    await waitForCampaignState(campaign, 'finished')

    const [after] = await campaignMessages(campaign)
    assert.equal(after.id, read.id)
    assert.equal(after.status, 'read')
    assert.equal(after.deliveredAt!.toISO(), read.deliveredAt!.toISO())
    assert.equal(after.readAt!.toISO(), read.readAt!.toISO())
    const [journey] = await campaignJourneys(campaign)
    assert.equal(journey.endReason, 'completed')
    const steps = await db
      .from('journey_steps')
      .where('journey_id', journey.id)
      .where('node_id', 'branch')
      .whereNotNull('port')
    assert.deepEqual(
      steps.map((step) => step.port),
      ['nao']
    )
  }).timeout(60_000)

  test('reply during a wait counts', async ({ assert }) => {
    const { campaign } = await replyDuringWait(waitThenBranchFlow({}), 'sim')
    assert.deepEqual(await branchPorts(campaign), ['branch:sim'])
    const messages = await campaignMessages(campaign)
    assert.deepEqual(
      messages.map((message) => message.nodeId),
      ['ask', 'yes']
    )
  }).timeout(60_000)

  test('one reply resumes one branch', async ({ assert }) => {
    const { campaign } = await replyDuringWait(waitThenBranchFlow({ secondBranch: true }), 'SIM')
    assert.deepEqual(await branchPorts(campaign), ['branch:sim', 'again:no_reply'])
    // The second branch's `no_reply` port leads nowhere, so the journey ends without a send.
    const messages = await campaignMessages(campaign)
    assert.deepEqual(
      messages.map((message) => message.nodeId),
      ['ask']
    )
  }).timeout(60_000)

  test('earlier replies switched off', async ({ assert }) => {
    const flow = waitThenBranchFlow({ countEarlierReplies: false })
    const { campaign } = await replyDuringWait(flow, 'sim')
    assert.deepEqual(await branchPorts(campaign), ['branch:no_reply'])
  }).timeout(60_000)

  test('reply before the invitation ignored', async ({ assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const phone = '+5511987650881'
    const { listId } = await seedAudience(tenant.id, [{ phone }])
    const campaign = await publishedCampaign(tenant.id, owner.id, waitThenBranchFlow({}), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })
    await reply(tenant.id, instance.id, { from: phone, text: 'SIM' })
    await waitFor(async () => {
      const inbound = await runInTenant(tenant.id, () =>
        Message.query().where('instance_id', instance.id).where('direction', 'in')
      )
      return inbound.length === 1
    }, 'the early reply to be stored')
    // Times are stored in whole seconds: the invitation leaves in a later second.
    await new Promise((resolve) => setTimeout(resolve, 1100))

    await startCampaign(campaign, owner.id)
    await waitFor(async () => {
      const journeys = await campaignJourneys(campaign)
      return journeys[0]?.state === 'waiting' && journeys[0].nodeId === 'pause'
    }, 'the journey to wait after the invitation')
    await moveClockBy(61)
    await waitFor(async () => {
      const [journey] = await campaignJourneys(campaign)
      return journey.state === 'awaiting_reply' && journey.nodeId === 'branch'
    }, 'the branch to wait for a reply')
    await moveClockBy(61)
    await waitForCampaignState(campaign, 'finished')
    assert.deepEqual(await branchPorts(campaign), ['branch:no_reply'])
  }).timeout(60_000)
})

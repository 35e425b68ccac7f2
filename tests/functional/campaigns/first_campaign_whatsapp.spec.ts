import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import type { WorkerRole } from '#processes/worker_role'
import Contact from '#models/contact'
import Template from '#models/template'
import { runInTenant } from '#tenancy/tenant_context'
import type { FlowGraph } from '#flow/flow_graph'
import { createAudienceTenant } from '#tests/helpers/audience'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { startChannelsRole, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  publishedCampaign,
  seedAudience,
  startCampaign,
  startWorkerRole,
  waitForCampaignState,
} from '#tests/helpers/engine'
import { funnelFromCsv, messageTableCounts } from '#tests/helpers/reports'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import {
  closeWhatsAppInstances,
  pairedWhatsApp,
  startLoopbackPeer,
} from '../../../plugins/whatsapp/tests/support/loopback.js'

const ACCOUNT = '+5511971120001'
const PEOPLE = {
  yes: { phone: '+5511971120002', name: 'Luís Gonçalves' },
  stop: { phone: '+5511971120003', name: 'Marina Teixeira' },
  quiet: { phone: '+5511971120004', name: 'Paula Ribeiro' },
  silent: { phone: '+5511971120005', name: 'Otávio Reis' },
}
const INVITE =
  'Olá {{primeiro_nome|cliente}}! Sábado tem *café* na loja. Você vem? Responda SIM ou NÃO.'
/** The default opt-out confirmation of an English-speaking tenant. */
const OPT_OUT_CONFIRMATION = 'You are unsubscribed and will get no more campaign messages from us.'
const ANSWERS = {
  sim: 'Que ótimo! Até sábado.',
  nao: 'Tudo bem, fica para a próxima.',
  none: 'Ainda dá tempo: responda SIM para confirmar.',
}

/** Builds the first campaign's flow: the template, then SIM, NÃO or no reply within seconds. */
function firstCampaignFlow(templateId: number): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      graphNode('invite', 'send', {
        message: { templateId, text: null },
        media: null,
        instanceId: null,
      }),
      graphNode('reply', 'branch_on_reply', {
        timeout: { amount: 20, unit: 'seconds' },
        rules: [
          { id: 'sim', name: 'SIM', match: 'keywords', keywords: ['SIM'], pattern: null },
          { id: 'nao', name: 'NÃO', match: 'keywords', keywords: ['NÃO'], pattern: null },
        ],
      }),
      sendNode('confirmed', ANSWERS.sim),
      sendNode('declined', ANSWERS.nao),
      sendNode('reminded', ANSWERS.none),
    ],
    edges: [
      graphEdge('start', 'next', 'invite'),
      graphEdge('invite', 'sent', 'reply'),
      graphEdge('reply', 'sim', 'confirmed'),
      graphEdge('reply', 'nao', 'declined'),
      graphEdge('reply', 'no_reply', 'reminded'),
    ],
  }
}

/**
 * The first campaign of the walkthrough, sent through a WhatsApp instance
 * paired by QR with the loopback WhatsApp Web peer instead of the sandbox.
 * Each simulated phone decrypts its messages, and they must be exactly the
 * texts the messages table and the report count as sent.
 */
test.group('First campaign over WhatsApp', (group) => {
  let peer: WhatsAppPeer
  let channels: ChannelsRole
  let worker: WorkerRole

  group.setup(async () => {
    peer = await startLoopbackPeer()
    channels = await startChannelsRole()
    worker = await startWorkerRole()
    return async () => {
      await worker.stop()
      await channels.stop()
      await closeWhatsAppInstances()
      await peer.close()
    }
  })

  test('phones decrypt what the report sent', async ({ assert, client }) => {
    const { tenant, owner } = await createAudienceTenant()
    const phones = Object.fromEntries(
      Object.entries(PEOPLE).map(([key, person]) => [key, peer.addContact(person)])
    ) as Record<keyof typeof PEOPLE, ReturnType<WhatsAppPeer['addContact']>>
    const instance = await pairedWhatsApp(peer, tenant.id, ACCOUNT)

    const { listId } = await seedAudience(tenant.id, Object.values(PEOPLE))
    const template = await runInTenant(tenant.id, () =>
      Template.create({ name: 'Convite', body: INVITE })
    )
    const campaign = await publishedCampaign(tenant.id, owner.id, firstCampaignFlow(template.id), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 1,
      maxIntervalSeconds: 2,
    })
    await startCampaign(campaign, owner.id)

    const [invitation] = await phones.yes.waitForMessages(1, 30_000)
    assert.equal(
      invitation.text,
      'Olá Luís! Sábado tem *café* na loja. Você vem? Responda SIM ou NÃO.'
    )
    await phones.stop.waitForMessages(1, 30_000)
    // Both repliers must be waiting at the branch, or a reply would come too early.
    const repliers = await runInTenant(tenant.id, () =>
      Contact.query().whereIn('phone', [PEOPLE.yes.phone, PEOPLE.stop.phone])
    )
    await waitFor(async () => {
      const journeys = await campaignJourneys(campaign)
      const waiting = journeys.filter(
        (journey) =>
          journey.state === 'awaiting_reply' &&
          repliers.some((contact) => contact.id === journey.contactId)
      )
      return waiting.length === 2 ? waiting : null
    }, 'Luís and Marina to wait for a reply')
    await phones.yes.sendText('sim', { to: ACCOUNT })
    await phones.stop.sendText('PARAR', { to: ACCOUNT })

    await waitForCampaignState(campaign, 'finished', 60_000)
    await phones.stop.waitForMessages(2, 30_000)
    const messages = await campaignMessages(campaign)
    const contacts = await runInTenant(tenant.id, () => Contact.query())
    const phoneOf = new Map(contacts.map((contact) => [contact.id, contact.phone]))

    for (const [key, person] of Object.entries(PEOPLE)) {
      const stored = messages
        .filter((message) => phoneOf.get(message.contactId!) === person.phone)
        .map((message) => message.body)
      const decrypted = phones[key as keyof typeof PEOPLE].messages.map((message) => message.text)
      // The opt-out confirmation is no campaign message, so it is not among the stored ones.
      const expected = key === 'stop' ? [...stored, OPT_OUT_CONFIRMATION] : stored
      assert.deepEqual(decrypted, expected, `${person.name} decrypted what was stored`)
    }
    assert.deepEqual(phones.yes.messages.map((message) => message.text).slice(1), [ANSWERS.sim])
    assert.deepEqual(
      phones.stop.messages.map((message) => message.text).slice(1),
      [OPT_OUT_CONFIRMATION],
      'the opted-out contact got only the opt-out confirmation'
    )
    assert.deepEqual(phones.quiet.messages.map((message) => message.text).slice(1), [ANSWERS.none])

    const response = await client
      .get(`/plugins/reports/campaigns/${campaign.id}/export?report=funnel`)
      .loginAs(owner)
    response.assertStatus(200)
    const funnel = funnelFromCsv(response.text())
    const table = await messageTableCounts(campaign.id)
    const decryptedTotal = Object.values(phones).reduce(
      (sum, phone) => sum + phone.messages.length,
      0
    )
    assert.equal(funnel.sent, table.sent)
    // Every phone decrypted the campaign's messages, and the opted-out phone also its confirmation.
    assert.equal(funnel.sent, decryptedTotal - 1)
    assert.equal(funnel.opted_out, 1)
  }).timeout(120_000)
})

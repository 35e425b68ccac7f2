import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import type { WorkerRole } from '#processes/worker_role'
import Message from '#models/message'
import { runInTenant } from '#tenancy/tenant_context'
import { createAudienceTenant } from '#tests/helpers/audience'
import type { FlowGraph } from '#flow/flow_graph'
import { graphEdge, graphNode, replyFlow, sendNode } from '#tests/helpers/campaigns'
import {
  loadInstance,
  queueMessage,
  startChannelsRole,
  waitFor,
  waitForMessageStatus,
} from '#tests/helpers/channels'
import { mailsTo } from '#tests/helpers/mailbox'
import {
  campaignJourneys,
  campaignMessages,
  publishedCampaign,
  seedAudience,
  startCampaign,
  startWorkerRole,
} from '#tests/helpers/engine'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import { deleteInstance } from '#services/channels/instance_service'
import { createOutboundMessage } from '#services/channels/message_service'
import { enqueueOutbound } from '#services/channels/outbound_queue'
import { DatabaseAuthState } from '../auth_state.js'
import { closeWhatsAppInstances, pairedWhatsApp, startLoopbackPeer } from './support/loopback.js'

const ACCOUNT = '+5511971110001'
/** Stored with the ninth digit, while WhatsApp registered the account without it. */
const ANA_STORED = '+5511981110002'
const ANA_ON_WHATSAPP = '+551181110002'
const BRUNO = '+5521971110003'
const RESTRICTED_ACCOUNT = '+5511971110011'
const CARLA = '+5511971110012'
const DAVI = '+5511971110013'
const ELISA = '+5511971110014'
const LOCKED_ACCOUNT = '+5511971110021'
const DELETED_ACCOUNT = '+5511971110031'

/** A Send whose failure waits an hour, so the journey and its campaign stay active. */
function sendThenWaitFlow(): FlowGraph {
  return {
    nodes: [
      graphNode('start', 'start'),
      sendNode('hello', 'Oi {{name|}}, temos ofertas!'),
      graphNode('later', 'wait', { duration: { amount: 1, unit: 'hours' } }),
      sendNode('again', 'Oi {{name|}}, as ofertas continuam!'),
    ],
    edges: [
      graphEdge('start', 'next', 'hello'),
      graphEdge('hello', 'failed', 'later'),
      graphEdge('later', 'next', 'again'),
    ],
  }
}

function messageByProviderId(tenantId: number, providerMessageId: string) {
  return runInTenant(tenantId, () =>
    Message.query().where('provider_message_id', providerMessageId).firstOrFail()
  )
}

test.group('WhatsApp campaign end to end', (group) => {
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

  test('contacts decrypt, receipts and replies branch', async ({ assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const ana = peer.addContact({ phone: ANA_ON_WHATSAPP, name: 'Ana' })
    const bruno = peer.addContact({ phone: BRUNO, name: 'Bruno' })
    const instance = await pairedWhatsApp(peer, tenant.id, ACCOUNT)
    assert.equal(instance.accountAddress, ACCOUNT)

    const { listId } = await seedAudience(tenant.id, [
      { phone: ANA_STORED, name: 'Ana' },
      { phone: BRUNO, name: 'Bruno' },
    ])
    const campaign = await publishedCampaign(tenant.id, owner.id, replyFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
    })
    await startCampaign(campaign, owner.id)

    const [toAna] = await ana.waitForMessages(1, 30_000)
    const [toBruno] = await bruno.waitForMessages(1, 30_000)
    assert.equal(toAna.text, 'Hi Ana, will you come? Reply SIM or NÃO')
    assert.equal(toBruno.text, 'Hi Bruno, will you come? Reply SIM or NÃO')

    const sent = await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.length === 2 && messages.every((message) => message.status === 'sent')
        ? messages
        : null
    }, 'both campaign messages to be sent')
    assert.sameMembers(
      sent.map((message) => message.providerMessageId),
      [toAna.id, toBruno.id]
    )

    await ana.sendReceipt(toAna.id, 'delivered')
    await waitFor(async () => {
      const message = await messageByProviderId(tenant.id, toAna.id)
      return message.status === 'delivered'
    }, 'the delivered receipt to move the status')
    await ana.sendReceipt(toAna.id, 'read')
    const read = await waitFor(async () => {
      const message = await messageByProviderId(tenant.id, toAna.id)
      return message.status === 'read' ? message : null
    }, 'the read receipt to move the status')
    assert.isNotNull(read.deliveredAt)
    assert.isNotNull(read.readAt)

    await waitFor(async () => {
      const journeys = await campaignJourneys(campaign)
      return journeys.every((journey) => journey.state === 'awaiting_reply')
    }, 'both journeys to wait for a reply')

    await ana.sendText('Sim, vou sim!', { to: ACCOUNT })
    await bruno.sendText('não posso', { to: ACCOUNT, from: 'lid', includeAlternateAddress: false })

    const [, anaAnswer] = await ana.waitForMessages(2, 30_000)
    const [, brunoAnswer] = await bruno.waitForMessages(2, 30_000)
    assert.equal(anaAnswer.text, 'Great, see you there!')
    assert.equal(brunoAnswer.text, 'Sorry to hear that.')

    const journeys = await campaignJourneys(campaign)
    assert.lengthOf(journeys, 2)
    const inbound = await runInTenant(tenant.id, () =>
      Message.query().where('direction', 'in').where('instance_id', instance.id).orderBy('id')
    )
    assert.lengthOf(inbound, 2)
    const fromBruno = inbound.find((message) => message.body === 'não posso')
    assert.exists(fromBruno)
    assert.equal(fromBruno!.address, BRUNO)
    assert.isNotNull(fromBruno!.conversationId)
    const brunoJourney = journeys.find((journey) => journey.contactId === fromBruno!.contactId)
    assert.exists(brunoJourney, 'the @lid reply did not reach Bruno as a contact')

    const brunoOut = await runInTenant(tenant.id, () =>
      Message.query()
        .where('direction', 'out')
        .where('contact_id', fromBruno!.contactId!)
        .orderBy('id')
    )
    assert.lengthOf(brunoOut, 2)
    for (const message of brunoOut) {
      assert.equal(message.conversationId, fromBruno!.conversationId)
    }
  }).timeout(120_000)

  test('error 463 pauses campaign sends only', async ({ assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const carla = peer.addContact({ phone: CARLA, name: 'Carla' })
    const davi = peer.addContact({ phone: DAVI, name: 'Davi' })
    const elisa = peer.addContact({ phone: ELISA, name: 'Elisa' })
    carla.failMessagesWith(463)
    const instance = await pairedWhatsApp(peer, tenant.id, RESTRICTED_ACCOUNT)

    const { listId } = await seedAudience(tenant.id, [{ phone: CARLA, name: 'Carla' }])
    const campaign = await publishedCampaign(tenant.id, owner.id, sendThenWaitFlow(), {
      name: 'Black Friday',
      listIds: [listId],
      channelInstanceIds: [instance.id],
      createdBy: owner.id,
    })
    await startCampaign(campaign, owner.id)

    const failed = await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.find((message) => message.status === 'failed') ?? null
    }, 'the message to Carla to fail')
    assert.equal(failed.address, CARLA)
    assert.equal(failed.failureCode, 'E_WHATSAPP_463')

    const paused = await waitFor(async () => {
      const fresh = await loadInstance(tenant.id, instance.id)
      return fresh.pausedForHealth ? fresh : null
    }, 'the instance to be paused for health')
    assert.include(paused.lastError, '463')
    assert.equal(paused.status, 'open')

    const mails = await waitFor(async () => {
      const found = await mailsTo(owner.email)
      return found.length > 0 ? found : null
    }, 'the designer to be e-mailed')
    assert.include(mails[0].subject, instance.name)
    assert.include(mails[0].text, 'Black Friday')
    assert.include(mails[0].text, '463')

    const reply = await queueMessage(instance, ELISA, 'Your order shipped')
    const [received] = await elisa.waitForMessages(1, 20_000)
    assert.equal(received.text, 'Your order shipped')
    await waitForMessageStatus(reply, 'sent')

    // A new campaign message after the pause waits instead of leaving.
    const held = await runInTenant(tenant.id, async () => {
      const message = await createOutboundMessage({
        instance: paused,
        address: DAVI,
        body: 'Oi Davi, temos ofertas!',
        campaignId: campaign.id,
      })
      await enqueueOutbound(message)
      return message
    })
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const stillHeld = await runInTenant(tenant.id, () => Message.findOrFail(held.id))
    assert.equal(stillHeld.status, 'queued')
    assert.lengthOf(davi.messages, 0)
  }).timeout(120_000)

  test('lifted time lock resumes campaign sends', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    const instance = await pairedWhatsApp(peer, tenant.id, LOCKED_ACCOUNT)

    await peer.setReachoutTimelock(LOCKED_ACCOUNT, {
      active: true,
      endsAt: new Date(Date.now() + 3_600_000),
    })
    const locked = await waitFor(async () => {
      const fresh = await loadInstance(tenant.id, instance.id)
      return fresh.pausedForHealth ? fresh : null
    }, 'the time lock to pause the instance')
    assert.include(locked.lastError, 'E_WHATSAPP_REACHOUT_LOCKED')

    await peer.setReachoutTimelock(LOCKED_ACCOUNT, { active: false })
    await waitFor(async () => {
      const fresh = await loadInstance(tenant.id, instance.id)
      return !fresh.pausedForHealth
    }, 'the lifted time lock to resume the instance')
  }).timeout(60_000)

  test('deleting an instance unlinks the device', async ({ assert }) => {
    const { tenant } = await createAudienceTenant()
    const instance = await pairedWhatsApp(peer, tenant.id, DELETED_ACCOUNT)
    assert.equal(peer.account(DELETED_ACCOUNT).companions.size, 1)
    const before = await new DatabaseAuthState(instance.id).counts()
    assert.equal(before.creds, 1)

    await runInTenant(tenant.id, () => deleteInstance(instance))
    await waitFor(
      async () => peer.account(DELETED_ACCOUNT).companions.size === 0,
      'the device to be unlinked'
    )
    assert.deepEqual(await new DatabaseAuthState(instance.id).counts(), {})
  }).timeout(60_000)
})

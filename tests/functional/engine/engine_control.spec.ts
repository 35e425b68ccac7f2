import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type Campaign from '#models/campaign'
import { runInTenant } from '#tenancy/tenant_context'
import { applyAction } from '#services/campaigns/campaign_states'
import { SANDBOX_CONCURRENT_SENDS } from '../../../plugins/sandbox/index.js'
import { engineNow } from '#engine/clock'
import { readPaceState } from '#engine/pacing'
import { CONTROL_QUEUE } from '#engine/engine_queues'
import { getQueue } from '#queues/queue_factory'
import { outboundQueueName } from '#services/channels/outbound_queue'
import { computeProgress, storedProgress } from '#engine/campaign_progress'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  moveClockTo,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForSends,
  waitForCampaignState,
} from '#tests/helpers/engine'

/** Send, wait one minute, send again: journeys are sending, waiting and moving at once. */
const TWO_SENDS = {
  nodes: [
    graphNode('start', 'start'),
    sendNode('hello', 'Hello {{name|there}}'),
    graphNode('later', 'wait', { duration: { amount: 1, unit: 'minutes' } }),
    sendNode('bye', 'Goodbye'),
  ],
  edges: [
    graphEdge('start', 'next', 'hello'),
    graphEdge('hello', 'sent', 'later'),
    graphEdge('later', 'next', 'bye'),
  ],
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Moves the engine clock past the wait node's minute and promotes the due jobs. */
async function skipWait() {
  const now = await engineNow()
  await moveClockTo(now.plus({ minutes: 2 }))
}

function act(campaign: Campaign, action: 'pause' | 'resume' | 'cancel', userId: number) {
  return runInTenant(campaign.tenantId, () => applyAction(campaign.id, action, userId))
}

/** A sandbox that takes 300 ms per send, so a campaign of a few dozen contacts lasts seconds. */
async function slowSandbox(tenantId: number) {
  return pairedSandbox(tenantId, { sentDelayMs: 300, deliveredDelayMs: 0, readDelayMs: 0 })
}

async function twoSendCampaign(audience: number, area: number) {
  const { tenant, owner } = await createTenantWithOwner()
  const instance = await slowSandbox(tenant.id)
  const contacts = Array.from({ length: audience }, (_, index) => ({
    phone: phoneNumber(area, index),
  }))
  const { listId } = await seedAudience(tenant.id, contacts)
  const campaign = await publishedCampaign(tenant.id, owner.id, TWO_SENDS, {
    listIds: [listId],
    channelInstanceIds: [instance.id],
  })
  return { tenant, owner, instance, campaign }
}

test.group('Engine campaign control', (group) => {
  useEngineRoles(group)

  test('pause holds journeys and resume finishes', async ({ assert, client }) => {
    // More contacts than a number sends at once, so some first sends wait at the gate.
    const audience = SANDBOX_CONCURRENT_SENDS + 20
    const { owner, instance, campaign } = await twoSendCampaign(audience, 31)

    await startCampaign(campaign, owner.id)
    await waitFor(async () => (await sandboxSendCount(instance.id)) >= 3, 'the first sends')
    await act(campaign, 'pause', owner.id)
    // A send already past the gate when the pause landed still completes.
    await sleep(1000)
    const sentAtPause = await sandboxSendCount(instance.id)
    assert.isBelow(sentAtPause, audience, 'every first send left before the pause')

    await skipWait()
    await waitFor(async () => {
      const journeys = await campaignJourneys(campaign)
      return journeys.some((journey) => journey.held)
    }, 'a journey whose wait ended to be held')
    await sleep(5000)
    assert.equal(await sandboxSendCount(instance.id), sentAtPause, 'a paused campaign sent')
    const paused = await campaignJourneys(campaign)
    assert.isFalse(
      paused.some((journey) => journey.state === 'ended'),
      'a journey ended while paused'
    )
    assert.isFalse(
      paused.some((journey) => journey.nodeId === 'bye'),
      'a journey moved past its wait while paused'
    )

    // The sends the gate held wait 5 s, then 10 s, before they look again: the resume
    // runs them at once instead.
    const outbound = getQueue(outboundQueueName(instance.id))
    const heldSends = await outbound.getDelayedCount()
    assert.isAbove(heldSends, 0, 'no send was held by the pause')
    await act(campaign, 'resume', owner.id)
    await waitFor(
      async () => (await outbound.getDelayedCount()) === 0,
      'the held sends to run after the resume',
      3000
    )
    await waitFor(
      async () => {
        const journeys = await campaignJourneys(campaign)
        if (journeys.some((journey) => journey.state === 'waiting')) await skipWait()
        return journeys.every((journey) => journey.state === 'ended')
      },
      'every journey to end',
      60_000
    )
    await waitForCampaignState(campaign, 'finished')

    assert.equal(await sandboxSendCount(instance.id), audience * 2)
    const messages = await campaignMessages(campaign)
    assert.lengthOf(messages, audience * 2)
    const journeys = await campaignJourneys(campaign)
    assert.isTrue(journeys.every((journey) => journey.endReason === 'completed'))
    assert.isTrue(journeys.every((journey) => !journey.held))

    const progress = await waitFor(async () => {
      const stored = await storedProgress(campaign.id)
      return stored?.totals.completed === audience && stored.totals.sent === audience * 2
        ? stored
        : null
    }, 'the final progress to be stored')
    // Rates change with time; the stored counts are the ones computed now.
    assert.deepEqual(
      { nodes: progress.nodes, totals: progress.totals, held: progress.held },
      await computeProgress(campaign)
    )
    assert.deepEqual(progress.totals, {
      enrolled: audience,
      active: 0,
      completed: audience,
      sent: audience * 2,
      failed: 0,
      cancelled: 0,
    })
    assert.equal(progress.nodes.hello.ports.sent, audience)
    assert.equal(progress.nodes.later.ports.next, audience)
    assert.equal(progress.nodes.bye.ports.sent, audience)

    const page = await client
      .get(`/campaigns/${campaign.id}/progress`)
      .header('accept', 'application/json')
      .loginAs(owner)
    page.assertStatus(200)
    assert.equal(page.body().state, 'finished')
    const { offline, ...pageProgress } = page.body().progress
    assert.isNull(offline)
    assert.deepEqual(pageProgress, progress)
  }).timeout(90_000)

  test('cancel ends every journey and stops sends', async ({ assert }) => {
    const audience = SANDBOX_CONCURRENT_SENDS + 12
    const { owner, instance, campaign } = await twoSendCampaign(audience, 32)

    await startCampaign(campaign, owner.id)
    await waitFor(async () => (await sandboxSendCount(instance.id)) >= 3, 'the first sends')
    await act(campaign, 'cancel', owner.id)

    const journeys = await waitFor(async () => {
      const all = await campaignJourneys(campaign)
      return all.every((journey) => journey.state === 'ended') ? all : null
    }, 'every journey to end')
    assert.isTrue(journeys.every((journey) => journey.endReason === 'cancelled'))
    await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.every((message) => message.status !== 'queued')
    }, 'the queued sends to be failed')

    await skipWait()
    await sleep(2000)
    const sent = await sandboxSendCount(instance.id)
    assert.isBelow(sent, audience, 'every first send left before the cancel')
    const messages = await campaignMessages(campaign)
    assert.isFalse(
      messages.some((message) => message.nodeId === 'bye'),
      'a cancelled journey sent its second message'
    )
    const failed = messages.filter((message) => message.status === 'failed')
    assert.lengthOf(failed, messages.length - sent)
    assert.isTrue(failed.every((message) => message.failureCode === 'E_CAMPAIGN_CANCELLED'))

    const [{ open }] = await db
      .from('journeys')
      .where('campaign_id', campaign.id)
      .whereNot('state', 'ended')
      .count('* as open')
    assert.equal(Number(open), 0)
    await waitForCampaignState(campaign, 'cancelled')
  }).timeout(60_000)

  test('cancel frees the number at once', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const slowAudience = await seedAudience(
      tenant.id,
      Array.from({ length: 6 }, (_, index) => ({ phone: phoneNumber(33, index) }))
    )
    const nextAudience = await seedAudience(
      tenant.id,
      Array.from({ length: 2 }, (_, index) => ({ phone: phoneNumber(34, index) }))
    )
    const flow = {
      nodes: [graphNode('start', 'start'), sendNode('hello', 'Olá')],
      edges: [graphEdge('start', 'next', 'hello')],
    }
    // Six sends 8 s apart reserve the number's slots for the next 40 s.
    const slow = await publishedCampaign(tenant.id, owner.id, flow, {
      listIds: [slowAudience.listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 8,
      maxIntervalSeconds: 8,
    })
    const next = await publishedCampaign(tenant.id, owner.id, flow, {
      listIds: [nextAudience.listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 1,
      maxIntervalSeconds: 1,
    })

    await startCampaign(slow, owner.id)
    await waitFor(async () => (await sandboxSendCount(instance.id)) >= 1, 'the first send')
    await act(slow, 'cancel', owner.id)
    await waitFor(async () => {
      const messages = await campaignMessages(slow)
      return messages.length === 6 && messages.every((message) => message.status !== 'queued')
    }, 'the cancelled sends to be failed')
    await startCampaign(next, owner.id)
    await waitForCampaignState(next, 'finished', 50_000)

    const slowMessages = await campaignMessages(slow)
    const firstSent = Math.min(
      ...slowMessages.flatMap((message) => message.sentAt?.toMillis() ?? [])
    )
    // The cancelled campaign's last slot was 40 s after its first send; nothing waited for it.
    const lastSlot = firstSent + 40_000
    const failed = slowMessages.filter((message) => message.status === 'failed')
    assert.isAbove(failed.length, 0)
    assert.isTrue(failed.every((message) => message.failureCode === 'E_CAMPAIGN_CANCELLED'))
    assert.isTrue(failed.every((message) => message.failedAt!.toMillis() < lastSlot - 20_000))
    const nextMessages = await campaignMessages(next)
    assert.lengthOf(nextMessages, 2)
    assert.isTrue(nextMessages.every((message) => message.sentAt!.toMillis() < lastSlot - 10_000))
    assert.equal(await sandboxSendCount(instance.id), slowMessages.length - failed.length + 2)
  }).timeout(60_000)

  test('cancel keeps the pace of the sends left', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const flow = {
      nodes: [graphNode('start', 'start'), sendNode('hello', 'Olá')],
      edges: [graphEdge('start', 'next', 'hello')],
    }
    const keptAudience = await seedAudience(
      tenant.id,
      Array.from({ length: 3 }, (_, index) => ({ phone: phoneNumber(35, index) }))
    )
    const cancelledAudience = await seedAudience(
      tenant.id,
      Array.from({ length: 3 }, (_, index) => ({ phone: phoneNumber(36, index) }))
    )
    // The kept campaign's sends take slots 20 s apart, the cancelled one's follow 1 s apart.
    const kept = await publishedCampaign(tenant.id, owner.id, flow, {
      listIds: [keptAudience.listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 20,
      maxIntervalSeconds: 20,
    })
    const cancelled = await publishedCampaign(tenant.id, owner.id, flow, {
      listIds: [cancelledAudience.listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 1,
      maxIntervalSeconds: 1,
    })
    await startCampaign(kept, owner.id)
    await waitForSends(kept, 3, 'the kept campaign to reserve its slots')
    await startCampaign(cancelled, owner.id)
    await waitForSends(cancelled, 3, 'the cancelled campaign to reserve its slots')

    await act(cancelled, 'cancel', owner.id)
    await waitFor(async () => {
      const messages = await campaignMessages(cancelled)
      return messages.every((message) => message.status !== 'queued')
    }, 'the cancelled sends to be failed')

    const pace = await readPaceState(instance.id)
    assert.isNotNull(pace)
    // The next send waits the kept campaign's 20 s after its last slot, not the cancelled one's 1 s.
    assert.equal(pace!.next - pace!.last, 20_000)
    await act(kept, 'cancel', owner.id)
  }).timeout(60_000)

  test('cancel fails a send added after it', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const audience = await seedAudience(
      tenant.id,
      Array.from({ length: 3 }, (_, index) => ({ phone: phoneNumber(37, index) }))
    )
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      {
        nodes: [graphNode('start', 'start'), sendNode('hello', 'Olá')],
        edges: [graphEdge('start', 'next', 'hello')],
      },
      {
        listIds: [audience.listId],
        channelInstanceIds: [instance.id],
        minIntervalSeconds: 60,
        maxIntervalSeconds: 60,
      }
    )
    const outbound = getQueue(outboundQueueName(instance.id))
    await startCampaign(campaign, owner.id)
    const jobs = await waitForSends(campaign, 3, 'every send to be added')

    // The last send stands for one that a running step adds after the cancel's first pass.
    const late = jobs.toSorted((a, b) => b.delay - a.delay)[0]
    const lateMessageId = late.data.messageId
    await late.remove()
    await act(campaign, 'cancel', owner.id)
    await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.filter((message) => message.status === 'queued').length === 1
    }, 'the first pass to fail the sends it found')
    await outbound.add(late.name, late.data, { jobId: late.id, delay: 60_000 })

    const secondPass = await getQueue(CONTROL_QUEUE).getJob(`cancel-${campaign.id}-again`)
    assert.isDefined(secondPass, 'no second pass of the cancel was queued')
    await secondPass!.promote()
    const failed = await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      const message = messages.find((candidate) => candidate.id === lateMessageId)
      return message?.status === 'failed' ? message : null
    }, 'the late send to be failed')
    assert.equal(failed.failureCode, 'E_CAMPAIGN_CANCELLED')
  }).timeout(60_000)
})

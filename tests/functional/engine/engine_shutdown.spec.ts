import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ChannelsRole } from '#processes/channels_role'
import type { WorkerRole } from '#processes/worker_role'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import {
  pairedSandbox,
  sandboxSendCount,
  startChannelsRole,
  waitFor,
} from '#tests/helpers/channels'
import { startAce, type RunningProcess } from '#tests/helpers/processes'
import {
  campaignMessages,
  campaignJourneys,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  startWorkerRole,
  waitForCampaignState,
} from '#tests/helpers/engine'

/** How long the sandbox takes to accept a send, so the stop lands while one runs. */
const SEND_MS = 4000
/**
 * The pace between the two sends, in seconds: longer than a send, so the
 * second is still waiting for its slot when the first one runs.
 */
const GAP_SECONDS = 10

test.group('Engine graceful shutdown', (group) => {
  let worker: WorkerRole
  group.setup(async () => {
    worker = await startWorkerRole()
    return () => worker.stop()
  })

  test('SIGTERM lets the running send finish once', async ({ assert, cleanup }) => {
    const sender: RunningProcess = startAce(['channels'], { CHANNEL_LEASE_TTL_MS: '3000' })
    cleanup(() => {
      if (sender.child.exitCode === null) sender.child.kill('SIGKILL')
    })
    await sender.waitForOutput(/channels role started/, 60_000)
    let takeover: ChannelsRole | null = null
    cleanup(() => takeover?.stop())

    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, {
      sentDelayMs: SEND_MS,
      deliveredDelayMs: 0,
      readDelayMs: 0,
    })
    const { listId } = await seedAudience(tenant.id, [
      { phone: phoneNumber(47, 1) },
      { phone: phoneNumber(47, 2) },
    ])
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      {
        nodes: [graphNode('start', 'start'), sendNode('hello', 'Olá')],
        edges: [graphEdge('start', 'next', 'hello')],
      },
      {
        listIds: [listId],
        channelInstanceIds: [instance.id],
        minIntervalSeconds: GAP_SECONDS,
        maxIntervalSeconds: GAP_SECONDS,
      }
    )

    await startCampaign(campaign, owner.id)
    await waitFor(async () => (await sandboxSendCount(instance.id)) === 1, 'the first send', 30_000)
    const inFlight = await campaignMessages(campaign)
    assert.isTrue(
      inFlight.every((message) => message.status === 'queued'),
      'the send finished before the stop'
    )

    sender.child.kill('SIGTERM')
    assert.equal(await sender.waitForExit(30_000), 0, sender.output())
    assert.equal(await sandboxSendCount(instance.id), 1)
    const atExit = await campaignMessages(campaign)
    const finished = atExit.filter((message) => message.status !== 'queued')
    assert.lengthOf(finished, 1, 'the running send was not recorded before the exit')
    assert.include(['sent', 'delivered', 'read'], finished[0].status)

    takeover = await startChannelsRole()
    await waitForCampaignState(campaign, 'finished', 60_000)

    assert.equal(await sandboxSendCount(instance.id), 2)
    assert.equal(await sandboxSendCount(instance.id, finished[0].providerMessageId), 1)
    const [{ recipients }] = await db
      .from('sandbox_sends')
      .where('instance_id', instance.id)
      .countDistinct('to_address as recipients')
    assert.equal(Number(recipients), 2)
    const messages = await campaignMessages(campaign)
    assert.lengthOf(messages, 2)
    const journeys = await campaignJourneys(campaign)
    assert.isTrue(journeys.every((journey) => journey.endReason === 'completed'))
  }).timeout(120_000)
})

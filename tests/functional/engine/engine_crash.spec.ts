import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ChannelsRole } from '#processes/channels_role'
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
  campaignJourneys,
  campaignMessages,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  waitForCampaignState,
} from '#tests/helpers/engine'

const AUDIENCE = 2000

async function startWorker(running: RunningProcess[]) {
  const worker = startAce(['worker'])
  running.push(worker)
  await worker.waitForOutput(/worker role started/, 60_000)
  return worker
}

test.group('Engine crash recovery', (group) => {
  let channels: ChannelsRole
  group.setup(async () => {
    channels = await startChannelsRole()
    return () => channels.stop()
  })

  test('SIGKILL mid-campaign loses and repeats nothing', async ({ assert, cleanup }) => {
    const running: RunningProcess[] = []
    cleanup(() => running.forEach((worker) => worker.child.kill('SIGKILL')))

    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const contacts = Array.from({ length: AUDIENCE }, (_, index) => ({
      phone: phoneNumber(21, index),
    }))
    const { listId } = await seedAudience(tenant.id, contacts)
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      {
        nodes: [graphNode('start', 'start'), sendNode('hello', 'Hello {{name|there}}')],
        edges: [graphEdge('start', 'next', 'hello')],
      },
      { listIds: [listId], channelInstanceIds: [instance.id] }
    )

    const first = await startWorker(running)
    await startCampaign(campaign, owner.id)
    await waitFor(
      async () => (await sandboxSendCount(instance.id)) >= 300,
      'the first sends',
      60_000
    )
    first.child.kill('SIGKILL')
    await first.waitForExit()
    const sentAtKill = await sandboxSendCount(instance.id)
    assert.isBelow(sentAtKill, AUDIENCE, 'the campaign ended before the kill')

    await startWorker(running)
    await waitForCampaignState(campaign, 'finished', 150_000)

    assert.equal(await sandboxSendCount(instance.id), AUDIENCE)
    const [{ recipients }] = await db
      .from('sandbox_sends')
      .where('instance_id', instance.id)
      .countDistinct('to_address as recipients')
    assert.equal(Number(recipients), AUDIENCE, 'a contact got two messages or none')
    const messages = await campaignMessages(campaign)
    assert.lengthOf(messages, AUDIENCE)
    const journeys = await campaignJourneys(campaign)
    assert.lengthOf(journeys, AUDIENCE)
    assert.isTrue(
      journeys.every((journey) => journey.state === 'ended' && journey.endReason === 'completed'),
      'a journey did not end'
    )
  }).timeout(240_000)
})

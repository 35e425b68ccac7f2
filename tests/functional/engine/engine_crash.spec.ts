import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import {
  pairedSandbox,
  sandboxSendCount,
  startChannelsRole,
  waitFor,
} from '#tests/helpers/channels'
import { startAce, type RunningProcess } from '#tests/helpers/processes'
import {
  assertSentOnceEach,
  oneSendAudienceCampaign,
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
    const campaign = await oneSendAudienceCampaign({
      tenantId: tenant.id,
      userId: owner.id,
      instanceId: instance.id,
      audience: AUDIENCE,
      area: 21,
      text: 'Hello {{name|there}}',
    })

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

    await assertSentOnceEach(assert, campaign, instance.id, AUDIENCE)
  }).timeout(240_000)
})

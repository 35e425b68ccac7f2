import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { Worker } from 'bullmq'
import { runInTenant } from '#tenancy/tenant_context'
import { createWorker, getQueue } from '#queues/queue_factory'
import { findJob } from '#queues/job_registry'
import { createInstance } from '#services/channels/instance_service'
import { CONTROL_QUEUE, JOURNEY_QUEUE } from '#engine/engine_queues'
import { ENROLLMENT_BATCH } from '#engine/enrollment'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { waitFor } from '#tests/helpers/channels'
import {
  oneSendFlow,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
} from '#tests/helpers/engine'

/** More than two batches, so the last one is partial. */
const AUDIENCE = ENROLLMENT_BATCH * 2 + 7

function enrollmentDone(campaignId: number) {
  return waitFor(async () => {
    const run = await db.from('campaign_runs').where('campaign_id', campaignId).first()
    return run?.enrollment_finished_at ? run : null
  }, `campaign ${campaignId} to finish its enrollment`)
}

test.group('Engine enrollment', (group) => {
  let worker: Worker
  group.setup(async () => {
    await import('#start/jobs')
    const enroll = findJob(CONTROL_QUEUE, 'enroll')!
    // Only the control queue runs: the first steps stay queued, so the test can count them.
    worker = createWorker(CONTROL_QUEUE, (job) => enroll.handle(job), { concurrency: 1 })
    return () => worker.close()
  })

  test('enrolls every batch once', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const numbers = await runInTenant(tenant.id, async () => [
      await createInstance({ name: 'First', channel: 'sandbox' }),
      await createInstance({ name: 'Second', channel: 'sandbox' }),
    ])
    const contacts = Array.from({ length: AUDIENCE }, (_, index) => ({
      phone: phoneNumber(71, index),
    }))
    const { listId, contactIds } = await seedAudience(tenant.id, contacts)
    const optedOut = contactIds[ENROLLMENT_BATCH + 3]
    await db.from('contacts').where('id', optedOut).update({ consent: 'opted_out' })
    const campaign = await publishedCampaign(tenant.id, owner.id, oneSendFlow(), {
      listIds: [listId],
      channelInstanceIds: numbers.map((instance) => instance.id),
    })

    await startCampaign(campaign, owner.id)
    await enrollmentDone(campaign.id)
    // A second enrollment job, as after a retry, adds no journey and no job.
    await getQueue(CONTROL_QUEUE).add(
      'enroll',
      { tenantId: tenant.id, campaignId: campaign.id },
      { jobId: `enroll-again-${campaign.id}` }
    )
    await waitFor(
      async () =>
        (await getQueue(CONTROL_QUEUE).getJobState(`enroll-again-${campaign.id}`)) === 'completed',
      'the second enrollment'
    )

    const journeys = await db
      .from('journeys')
      .where('campaign_id', campaign.id)
      .select('id', 'contact_id', 'instance_id', 'state', 'step', 'node_id')
    assert.lengthOf(journeys, AUDIENCE - 1)
    assert.notInclude(
      journeys.map((journey) => Number(journey.contact_id)),
      optedOut
    )
    assert.isTrue(journeys.every((journey) => journey.state === 'active' && journey.step === 1))
    assert.isTrue(journeys.every((journey) => journey.node_id === 'hello'))
    for (const instance of numbers) {
      const share = journeys.filter((journey) => Number(journey.instance_id) === instance.id)
      assert.approximately(share.length, (AUDIENCE - 1) / 2, 1)
    }

    const waiting = await getQueue(JOURNEY_QUEUE).getWaiting()
    const ours = waiting.filter((job) => job.data.campaignId === campaign.id)
    assert.lengthOf(ours, AUDIENCE - 1)
    assert.sameMembers(
      ours.map((job) => job.data.journeyId),
      journeys.map((journey) => Number(journey.id))
    )

    // No journey worker ran: later tests' workers must not find these steps.
    await Promise.all(ours.map((job) => job.remove()))
  }).timeout(60_000)
})

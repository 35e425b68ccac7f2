import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { runInTenant } from '#tenancy/tenant_context'
import { fromSqlTime } from '#plugins/sdk/sql_time'
import { replyFlow } from '#tests/helpers/campaigns'
import { applyAction } from '#services/campaigns/campaign_states'
import { paceSendsPerMinute, type PaceSettings } from '#engine/pacing'
import { etaSecondsAt } from '#engine/progress_rates'
import {
  PROGRESS_INTERVAL_MS,
  progressSpacing,
  recordPublicationCost,
  requestProgress,
  storedProgress,
} from '#engine/campaign_progress'
import { PROGRESS_QUEUE } from '#engine/engine_queues'
import { getQueue } from '#queues/queue_factory'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import {
  oneSendFlow,
  phoneNumber,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
} from '#tests/helpers/engine'

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function pace(settings: Partial<PaceSettings>): PaceSettings {
  return {
    minIntervalSeconds: 0,
    maxIntervalSeconds: 0,
    dailyCap: null,
    pauseAfterSends: null,
    pauseMinutes: null,
    timeZone: 'America/Sao_Paulo',
    ...settings,
  }
}

test.group('Engine progress rates', () => {
  test('pace gives sends a minute per number', ({ assert }) => {
    assert.isNull(paceSendsPerMinute(pace({})))
    assert.equal(paceSendsPerMinute(pace({ minIntervalSeconds: 30, maxIntervalSeconds: 30 })), 2)
    // A random gap of 10 to 50 s averages 30 s.
    assert.equal(paceSendsPerMinute(pace({ minIntervalSeconds: 10, maxIntervalSeconds: 50 })), 2)
    // 10 sends 6 s apart, then a 5-minute rest: 10 sends in 54 + 300 s.
    assert.closeTo(
      paceSendsPerMinute(
        pace({ minIntervalSeconds: 6, maxIntervalSeconds: 6, pauseAfterSends: 10, pauseMinutes: 5 })
      )!,
      (60 * 10) / 354,
      1e-9
    )
    // A cap of 1,440 a day allows one a minute, whatever the interval.
    assert.equal(
      paceSendsPerMinute(pace({ minIntervalSeconds: 1, maxIntervalSeconds: 1, dailyCap: 1440 })),
      1
    )
    assert.equal(paceSendsPerMinute(pace({ dailyCap: 720 })), 0.5)
  })

  test('slow publications are spaced out', ({ assert }) => {
    const campaignId = 900_001
    assert.equal(progressSpacing(campaignId), PROGRESS_INTERVAL_MS)
    recordPublicationCost(campaignId, 20)
    assert.equal(progressSpacing(campaignId), PROGRESS_INTERVAL_MS)
    // 120 ms takes more than a tenth of half a second: the next publication waits 1.5 s.
    recordPublicationCost(campaignId, 120)
    assert.equal(progressSpacing(campaignId), 3 * PROGRESS_INTERVAL_MS)
    recordPublicationCost(campaignId, 800)
    assert.equal(progressSpacing(campaignId), 16 * PROGRESS_INTERVAL_MS)
    recordPublicationCost(campaignId, 10)
    assert.equal(progressSpacing(campaignId), PROGRESS_INTERVAL_MS)
    assert.equal(progressSpacing(campaignId + 1), PROGRESS_INTERVAL_MS)
  })

  test('slow campaign requests a later publication', async ({ assert }) => {
    const campaignId = 900_101
    recordPublicationCost(campaignId, 300)
    requestProgress(1, campaignId)
    const queue = getQueue(PROGRESS_QUEUE)
    const job = await waitFor(async () => {
      const delayed = await queue.getDelayed()
      return delayed.find((candidate) => candidate.data.campaignId === campaignId) ?? null
    }, 'the progress job')
    await job.remove()
    assert.equal(job.opts.delay, 3000)
    assert.match(job.id!, /^progress-900101-3000-\d+$/)
  })

  test('time left from the rate', ({ assert }) => {
    assert.equal(etaSecondsAt(0, null), 0)
    assert.isNull(etaSecondsAt(5, null))
    assert.isNull(etaSecondsAt(5, 0))
    assert.equal(etaSecondsAt(10, 2), 300)
  })
})

test.group('Engine progress publication', (group) => {
  useEngineRoles(group)

  test('stores rates and time left from the pace', async ({ assert, client }) => {
    const audience = 4
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const contacts = Array.from({ length: audience }, (_, index) => ({
      phone: phoneNumber(51, index),
    }))
    const { listId } = await seedAudience(tenant.id, contacts)
    // One send every 30 s: the first leaves now, the others wait for their slots.
    const campaign = await publishedCampaign(tenant.id, owner.id, oneSendFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 30,
      maxIntervalSeconds: 30,
    })

    await startCampaign(campaign, owner.id)
    // The next send is 30 s away, so the figures stored after the first one stay put.
    const progress = await waitFor(async () => {
      const stored = await storedProgress(campaign.id)
      return stored?.totals.completed === 1 && stored.rates ? stored : null
    }, 'the progress after the first send')
    await sleep(2 * PROGRESS_INTERVAL_MS)
    assert.deepEqual(await storedProgress(campaign.id), progress)
    assert.equal(await sandboxSendCount(instance.id), 1)

    const rates = progress.rates!
    assert.equal(rates.pacePerMinute, 2)
    assert.equal(rates.sentPerMinute, 1)
    assert.equal(progress.totals.active, audience - 1)
    assert.equal(rates.etaSeconds, (audience - 1) * 30)
    assert.equal(rates.nodesPerMinute.hello, 1)
    assert.isAtMost(Date.now() - Date.parse(rates.at), 60_000)

    const page = await client
      .get(`/campaigns/${campaign.id}/progress`)
      .header('accept', 'application/json')
      .loginAs(owner)
    page.assertStatus(200)
    // The page adds the numbers not connected, read when it is requested: none here.
    assert.deepEqual(page.body().progress, { ...progress, offline: null })

    await runInTenant(tenant.id, () => applyAction(campaign.id, 'cancel', owner.id))
  }).timeout(60_000)

  test('time left covers a reply timeout', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const { listId } = await seedAudience(tenant.id, [{ phone: phoneNumber(52, 0) }])
    // One send every 30 s, then the contact has an hour to reply.
    const campaign = await publishedCampaign(tenant.id, owner.id, replyFlow(), {
      listIds: [listId],
      channelInstanceIds: [instance.id],
      minIntervalSeconds: 30,
      maxIntervalSeconds: 30,
    })

    await startCampaign(campaign, owner.id)
    const progress = await waitFor(async () => {
      const stored = await storedProgress(campaign.id)
      return stored?.nodes.branch?.waiting === 1 && stored.rates ? stored : null
    }, 'the progress while the journey waits for a reply')

    const journey = await db.from('journeys').where('campaign_id', campaign.id).firstOrFail()
    const timeout = fromSqlTime(journey.resume_at)!
    const rates = progress.rates!
    assert.equal(progress.totals.active, 1)
    assert.equal(rates.pacePerMinute, 2)
    assert.equal(rates.waitsUntil, timeout.toISOString())
    const untilTimeout = (timeout.getTime() - Date.parse(rates.at)) / 1000
    assert.isAbove(untilTimeout, 3500)
    assert.approximately(rates.etaSeconds!, untilTimeout, 60)

    await runInTenant(tenant.id, () => applyAction(campaign.id, 'cancel', owner.id))
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import type { IsoWeekday } from '#sdk'
import type Campaign from '#models/campaign'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import { applyAction } from '#services/campaigns/campaign_states'
import { getQueue } from '#queues/queue_factory'
import { outboundQueueName } from '#services/channels/outbound_queue'
import { engineNow } from '#engine/clock'
import { engineRedis } from '#engine/engine_redis'
import { computeProgress } from '#engine/campaign_progress'
import { heldSends } from '#engine/quiet_holds'
import { forgetTenantQuietHours, quietUntil } from '#engine/quiet_policy'
import { quietHoursChanged } from '#engine/quiet_reevaluation'
import { redisKeyPrefix } from '#queues/redis_connection'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { pairedSandbox, sandboxSendCount, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  moveClockTo,
  oneSendFlow,
  phoneNumber,
  publishedCampaign,
  reloadCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
} from '#tests/helpers/engine'

const EVERY_DAY: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7]

/** 05:27 in São Paulo (UTC-3), inside night-time quiet hours. */
const EARLY_MORNING = DateTime.fromISO('2025-03-11T08:27:00Z', { zone: 'utc' })

/** Seconds between two sends of the campaigns' number. */
const INTERVAL_SECONDS = 60

function saveQuietHours(client: ApiClient, user: User, window: { start: string; end: string }) {
  return client
    .put('/settings/quiet-hours')
    .json({ enabled: true, days: EVERY_DAY, ...window, basis: 'contact' })
    .loginAs(user)
    .withCsrfToken()
    .redirects(0)
}

async function saoPauloTenant(window: { start: string; end: string }) {
  const account = await createTenantWithOwner()
  account.tenant.timezone = 'America/Sao_Paulo'
  account.tenant.quietHours = { days: EVERY_DAY, ...window, basis: 'contact' }
  await account.tenant.save()
  forgetTenantQuietHours(account.tenant.id)
  return account
}

/** Publishes a one-send campaign to `audience` São Paulo contacts, one send a minute on a sandbox. */
async function pacedCampaign(
  tenant: Tenant,
  ownerId: number,
  audience: number,
  attributes: Partial<Campaign> = {}
) {
  const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
  const { listId } = await seedAudience(
    tenant.id,
    Array.from({ length: audience }, (_, index) => ({
      phone: phoneNumber(11, 4000 + tenant.id * 10 + index),
    }))
  )
  const campaign = await publishedCampaign(tenant.id, ownerId, oneSendFlow('Bom dia'), {
    listIds: [listId],
    channelInstanceIds: [instance.id],
    minIntervalSeconds: INTERVAL_SECONDS,
    maxIntervalSeconds: INTERVAL_SECONDS,
    ...attributes,
  })
  return { campaign, instance }
}

function waitForDeferred(campaign: Campaign, count: number, until: string) {
  return waitFor(async () => {
    const journeys = await campaignJourneys(campaign)
    const deferred = journeys.filter(
      (journey) =>
        journey.state === 'waiting' &&
        journey.pendingPort === null &&
        journey.resumeAt?.toUTC().toISO() === until
    )
    return deferred.length === count ? deferred : null
  }, `${count} journeys to wait until ${until}`)
}

/** Reads the pace slots, in epoch milliseconds, of the campaign's sends still waiting in the outbound queue. */
async function queuedSlots(campaign: Campaign, instanceId: number) {
  const queue = getQueue(outboundQueueName(instanceId))
  const slots: number[] = []
  for (const message of await campaignMessages(campaign)) {
    if (message.status !== 'queued') continue
    const job = await queue.getJob(`message-${message.id}`)
    if (job && (await job.isDelayed())) slots.push(Date.parse(job.data.dueAt))
  }
  return slots.sort((a, b) => a - b)
}

function progressOf(campaign: Campaign) {
  return runInTenant(campaign.tenantId, () => computeProgress(campaign))
}

/** Asserts that consecutive slots lie at least one pace interval apart. */
function assertPaced(assert: any, slots: number[]) {
  for (let index = 1; index < slots.length; index++) {
    assert.isAtLeast(slots[index] - slots[index - 1], INTERVAL_SECONDS * 1000 - 1)
  }
}

test.group('Quiet hours changes in the engine', (group) => {
  useEngineRoles(group)

  test('tenant change releases deferred journeys', async ({ assert, client }) => {
    const { tenant, owner } = await saoPauloTenant({ start: '22:00', end: '07:00' })
    const { campaign, instance } = await pacedCampaign(tenant, owner.id, 3)
    await moveClockTo(EARLY_MORNING)
    await startCampaign(campaign, owner.id)
    await waitForDeferred(campaign, 3, '2025-03-11T10:00:00.000Z')
    const before = await progressOf(campaign)
    assert.equal(before.held?.journeys, 3)
    assert.equal(before.held?.until, '2025-03-11T10:00:00.000Z')

    const response = await saveQuietHours(client, owner, { start: '23:00', end: '04:00' })
    response.assertStatus(302)

    await waitFor(async () => (await sandboxSendCount(instance.id)) === 1, 'the first send')
    const slots = await waitFor(async () => {
      const found = await queuedSlots(campaign, instance.id)
      return found.length === 2 ? found : null
    }, 'the other two sends to take pace slots')
    const now = await engineNow()
    assert.isBelow(
      slots[0],
      now.toMillis() + 2 * INTERVAL_SECONDS * 1000,
      'a send still waits for 07:00'
    )
    assertPaced(assert, slots)
    const after = await progressOf(campaign)
    assert.equal(after.held?.journeys, 0)

    await moveClockTo(DateTime.fromMillis(slots[1] + 1000, { zone: 'utc' }))
    await waitForCampaignState(campaign, 'finished')
    assert.equal(await sandboxSendCount(instance.id), 3)
  }).timeout(90_000)

  test('campaign window change moves the wait', async ({ assert, client }) => {
    const { tenant, owner } = await saoPauloTenant({ start: '22:00', end: '07:00' })
    const { campaign, instance } = await pacedCampaign(tenant, owner.id, 2, {
      quietHours: { mode: 'custom', window: { days: EVERY_DAY, start: '22:00', end: '07:00' } },
    })
    await moveClockTo(EARLY_MORNING)
    await startCampaign(campaign, owner.id)
    await waitForDeferred(campaign, 2, '2025-03-11T10:00:00.000Z')

    const stored = await reloadCampaign(campaign)
    stored.quietHours = {
      mode: 'custom',
      window: { days: EVERY_DAY, start: '22:00', end: '09:00' },
    }
    await runInTenant(tenant.id, () => stored.save())
    await quietHoursChanged({ tenantId: tenant.id, campaignId: campaign.id })
    await waitForDeferred(campaign, 2, '2025-03-11T12:00:00.000Z')
    const moved = await progressOf(campaign)
    assert.equal(moved.held?.journeys, 2)
    assert.equal(moved.held?.until, '2025-03-11T12:00:00.000Z')
    assert.equal(await sandboxSendCount(instance.id), 0)

    // Saved through the settings form, as a member does while the campaign runs.
    const response = await client
      .put(`/campaigns/${campaign.id}`)
      .json({
        name: stored.name,
        listIds: stored.listIds,
        segmentIds: [],
        channelInstanceIds: [instance.id],
        variables: [],
        startMode: 'now',
        startsAtLocal: null,
        minIntervalSeconds: INTERVAL_SECONDS,
        maxIntervalSeconds: INTERVAL_SECONDS,
        dailyCapPerNumber: null,
        pauseAfterSends: null,
        pauseMinutes: null,
        quietHours: { mode: 'custom', window: { days: EVERY_DAY, start: '23:30', end: '04:30' } },
      })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    assert.isUndefined(response.flashMessages().inputErrorsBag, 'the settings were rejected')
    await waitFor(async () => (await sandboxSendCount(instance.id)) === 1, 'the first send')
    const [slot] = await waitFor(async () => {
      const found = await queuedSlots(campaign, instance.id)
      return found.length === 1 ? found : null
    }, 'the second send to take a pace slot')
    await moveClockTo(DateTime.fromMillis(slot + 1000, { zone: 'utc' }))
    await waitForCampaignState(campaign, 'finished')
    assert.equal(await sandboxSendCount(instance.id), 2)
  }).timeout(90_000)

  test('resume applies a window changed meanwhile', async ({ assert }) => {
    const { tenant, owner } = await saoPauloTenant({ start: '22:00', end: '07:00' })
    const { campaign, instance } = await pacedCampaign(tenant, owner.id, 1, {
      quietHours: { mode: 'custom', window: { days: EVERY_DAY, start: '22:00', end: '07:00' } },
    })
    await moveClockTo(EARLY_MORNING)
    await startCampaign(campaign, owner.id)
    await waitForDeferred(campaign, 1, '2025-03-11T10:00:00.000Z')
    await runInTenant(tenant.id, () => applyAction(campaign.id, 'pause', owner.id))

    // Written without announcing the change: the resume alone must apply it.
    const stored = await reloadCampaign(campaign)
    stored.quietHours = {
      mode: 'custom',
      window: { days: EVERY_DAY, start: '23:30', end: '04:30' },
    }
    await runInTenant(tenant.id, () => stored.save())
    await runInTenant(tenant.id, () => applyAction(campaign.id, 'resume', owner.id))

    await waitForCampaignState(campaign, 'finished')
    assert.equal(await sandboxSendCount(instance.id), 1)
  }).timeout(90_000)

  test('tenant change releases held sends', async ({ assert, client }) => {
    const { tenant, owner } = await saoPauloTenant({ start: '06:00', end: '09:00' })
    const { campaign, instance } = await pacedCampaign(tenant, owner.id, 3)
    // 05:59:30 in São Paulo: the first send goes, the next slot falls in the quiet hours.
    await moveClockTo(DateTime.fromISO('2025-03-11T08:59:30Z', { zone: 'utc' }))
    await startCampaign(campaign, owner.id)
    const heldSlots = await waitFor(async () => {
      const found = await queuedSlots(campaign, instance.id)
      return found.length === 2 ? found : null
    }, 'two sends to wait in the outbound queue')
    assert.isAtLeast(heldSlots[0], Date.parse('2025-03-11T12:00:00Z'))
    const held = await heldSends(campaign.id, await engineNow())
    assert.equal(held.count, 1)
    assert.equal(await sandboxSendCount(instance.id), 1)

    const response = await saveQuietHours(client, owner, { start: '23:00', end: '04:00' })
    response.assertStatus(302)

    const slots = await waitFor(async () => {
      const found = await queuedSlots(campaign, instance.id)
      return found.length === 2 && found[0] < heldSlots[0] ? found : null
    }, 'the held sends to take new pace slots')
    const now = await engineNow()
    assert.isBelow(
      slots[1],
      now.toMillis() + 3 * INTERVAL_SECONDS * 1000,
      'a send still waits for 09:00'
    )
    assertPaced(assert, slots)
    const released = await heldSends(campaign.id, await engineNow())
    assert.equal(released.count, 0)
    assert.equal(await sandboxSendCount(instance.id), 1, 'a released send left before its slot')

    await moveClockTo(DateTime.fromMillis(slots[1] + 1000, { zone: 'utc' }))
    await waitForCampaignState(campaign, 'finished')
    assert.equal(await sandboxSendCount(instance.id), 3)
  }).timeout(90_000)

  test('announced change reaches cached policy', async ({ assert }) => {
    const { tenant } = await saoPauloTenant({ start: '22:00', end: '07:00' })
    const campaign = { tenantId: tenant.id, quietHours: { mode: 'tenant' } } as Campaign
    const cached = await quietUntil(campaign, EARLY_MORNING, 'America/Sao_Paulo')
    assert.equal(cached?.toUTC().toISO(), '2025-03-11T10:00:00.000Z')

    // Saved as another process would: this process's copy stays until the message arrives.
    tenant.quietHours = { days: EVERY_DAY, start: '23:00', end: '04:00', basis: 'contact' }
    await tenant.save()
    assert.isNotNull(await quietUntil(campaign, EARLY_MORNING, 'America/Sao_Paulo'))
    await engineRedis().publish(
      `${redisKeyPrefix()}:engine:tenant-quiet-hours-changed`,
      String(tenant.id)
    )
    await waitFor(
      async () => (await quietUntil(campaign, EARLY_MORNING, 'America/Sao_Paulo')) === null,
      'the cached policy to be dropped'
    )
  })
})

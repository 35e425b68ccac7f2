import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { IsoWeekday } from '#sdk'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { pairedSandbox, waitFor } from '#tests/helpers/channels'
import { runInTenant } from '#tenancy/tenant_context'
import { publishProgress } from '#engine/campaign_progress'
import { storedTotals } from '#services/campaigns/campaign_totals'
import {
  campaignJourneys,
  campaignMessages,
  type ContactSeed,
  moveClockTo,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
  waitForCampaignState,
  waitForSends,
} from '#tests/helpers/engine'

const EVERY_DAY: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7]

function utc(iso: string) {
  return DateTime.fromISO(iso, { zone: 'utc' })
}

/**
 * Makes a tenant with a paired sandbox number and a one-send campaign to
 * `contacts` whose quiet hours run from 21:00 to 08:00 every day, with
 * `attributes` on top.
 */
async function nightQuietCampaign(contacts: ContactSeed[], attributes: Record<string, unknown>) {
  const { tenant, owner } = await createTenantWithOwner()
  const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
  const { listId, contactIds } = await seedAudience(tenant.id, contacts)
  const campaign = await publishedCampaign(
    tenant.id,
    owner.id,
    {
      nodes: [graphNode('start', 'start'), sendNode('hello', 'Hello')],
      edges: [graphEdge('start', 'next', 'hello')],
    },
    {
      listIds: [listId],
      channelInstanceIds: [instance.id],
      quietHours: { mode: 'custom', window: { days: EVERY_DAY, start: '21:00', end: '08:00' } },
      ...attributes,
    }
  )
  return { tenant, owner, campaign, contactIds }
}

test.group('Engine time', (group) => {
  useEngineRoles(group)

  test('quiet hours hold São Paulo and send Manaus', async ({ assert }) => {
    const { tenant, owner, campaign, contactIds } = await nightQuietCampaign(
      [
        { phone: '+5511987650101', timezone: 'America/Sao_Paulo' },
        { phone: '+5592987650102', timezone: 'America/Manaus' },
      ],
      {}
    )
    const [saoPaulo, manaus] = contactIds

    await moveClockTo(utc('2025-03-11T00:30:00Z'))
    await startCampaign(campaign, owner.id)

    const sent = await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.find((message) => message.status === 'read') ? messages : null
    }, 'the Manaus message to be read')
    assert.lengthOf(sent, 1)
    assert.equal(sent[0].contactId, manaus)

    const held = await waitFor(async () => {
      const journeys = await campaignJourneys(campaign)
      return journeys.find(
        (journey) => journey.contactId === saoPaulo && journey.state === 'waiting'
      )
    }, 'the São Paulo journey to wait')
    assert.equal(held.resumeAt!.toUTC().toISO(), '2025-03-11T11:00:00.000Z')
    const hold = await waitFor(async () => {
      const runs = await storedTotals([campaign.id])
      return runs.get(campaign.id)?.held.journeys ? runs.get(campaign.id)!.held : null
    }, 'the stored progress to count the held journey')
    assert.deepEqual(hold, { journeys: 1, until: '2025-03-11T11:00:00.000Z' })

    await moveClockTo(utc('2025-03-11T10:59:00Z'))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    assert.lengthOf(await campaignMessages(campaign), 1, 'São Paulo was sent before 08:00 local')

    await moveClockTo(utc('2025-03-11T11:00:00Z'))
    await waitForCampaignState(campaign, 'finished')
    const messages = await campaignMessages(campaign)
    assert.lengthOf(messages, 2)
    assert.equal(messages[1].contactId, saoPaulo)
    const progress = await runInTenant(tenant.id, () => publishProgress(tenant.id, campaign.id))
    assert.deepEqual(progress.held, { journeys: 0, until: null })
  }).timeout(60_000)

  test('send gate holds a send paced into quiet hours', async ({ assert }) => {
    const { tenant, owner, campaign } = await nightQuietCampaign(
      [
        { phone: '+5511987650201', timezone: 'America/Sao_Paulo' },
        { phone: '+5511987650202', timezone: 'America/Sao_Paulo' },
      ],
      { minIntervalSeconds: 600, maxIntervalSeconds: 600 }
    )

    // 20:55 in São Paulo: both journeys pass the check, and the second send's slot is 21:05.
    await moveClockTo(utc('2025-03-10T23:55:00Z'))
    await startCampaign(campaign, owner.id)
    await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.length === 2 && messages.some((message) => message.status === 'read')
    }, 'the first message to be read and the second to be queued')

    await moveClockTo(utc('2025-03-11T00:06:00Z'))
    const hold = await waitFor(async () => {
      const runs = await storedTotals([campaign.id])
      return runs.get(campaign.id)?.held.journeys ? runs.get(campaign.id)!.held : null
    }, 'the stored progress to count the send the gate holds')
    assert.deepEqual(hold, { journeys: 1, until: '2025-03-11T11:00:00.000Z' })
    const messages = await campaignMessages(campaign)
    assert.sameMembers(
      messages.map((message) => message.status),
      ['read', 'queued']
    )

    await moveClockTo(utc('2025-03-11T11:00:00Z'))
    await waitForCampaignState(campaign, 'finished')
    const progress = await runInTenant(tenant.id, () => publishProgress(tenant.id, campaign.id))
    assert.deepEqual(progress.held, { journeys: 0, until: null })
  }).timeout(60_000)

  test('wait window skips the New York DST gap once', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id, { deliveredDelayMs: 0, readDelayMs: 0 })
    const { listId } = await seedAudience(tenant.id, [
      { phone: '+12125550123', timezone: 'America/New_York' },
    ])
    const campaign = await publishedCampaign(
      tenant.id,
      owner.id,
      {
        nodes: [
          graphNode('start', 'start'),
          graphNode('window', 'wait_window', {
            window: { days: EVERY_DAY, start: '02:30', end: '05:00' },
          }),
          sendNode('hello', 'Good morning'),
        ],
        edges: [graphEdge('start', 'next', 'window'), graphEdge('window', 'next', 'hello')],
      },
      { listIds: [listId], channelInstanceIds: [instance.id] }
    )

    await moveClockTo(utc('2025-03-09T06:00:00Z'))
    await startCampaign(campaign, owner.id)

    const waiting = await waitFor(async () => {
      const [journey] = await campaignJourneys(campaign)
      return journey?.state === 'waiting' ? journey : null
    }, 'the journey to wait for the window')
    assert.equal(waiting.resumeAt!.toUTC().toISO(), '2025-03-09T07:00:00.000Z')
    assert.equal(waiting.resumeAt!.setZone('America/New_York').toFormat('HH:mm'), '03:00')

    await moveClockTo(utc('2025-03-09T07:00:00Z'))
    await waitForCampaignState(campaign, 'finished')
    const [journey] = await campaignJourneys(campaign)
    const windowSteps = await db
      .from('journey_steps')
      .where('journey_id', journey.id)
      .where('node_id', 'window')
      .whereNotNull('port')
    assert.lengthOf(windowSteps, 1, 'the window node was left more than once')
    assert.lengthOf(await campaignMessages(campaign), 1)
    assert.equal(journey.endReason, 'completed')
  }).timeout(60_000)

  test('daily cap sends after quiet hours', async ({ assert }) => {
    const contacts = Array.from({ length: 6 }, (_, index) => ({
      phone: `+551198765030${index}`,
      timezone: 'America/Sao_Paulo',
    }))
    const { tenant, owner, campaign } = await nightQuietCampaign(contacts, {
      minIntervalSeconds: 60,
      maxIntervalSeconds: 60,
      dailyCapPerNumber: 2,
    })
    await db.from('tenants').where('id', tenant.id).update({ timezone: 'America/Sao_Paulo' })
    const sentCount = async () => {
      const messages = await campaignMessages(campaign)
      return messages.filter((message) => message.status === 'read').length
    }

    // 14:00 in São Paulo: two sends today, the cap's next days start at midnight.
    await moveClockTo(utc('2025-03-11T17:00:00Z'))
    await startCampaign(campaign, owner.id)
    await waitForSends(campaign, 6, 'every journey to reserve its send')
    await moveClockTo(utc('2025-03-11T17:02:00Z'))
    await waitFor(async () => (await sentCount()) === 2, 'two sends on the first day')

    // Midnight in São Paulo: the next day's sends wait for 08:00 instead of leaving.
    await moveClockTo(utc('2025-03-12T03:00:30Z'))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    assert.equal(await sentCount(), 2, 'a send left in quiet hours')

    await moveClockTo(utc('2025-03-12T11:00:30Z'))
    await moveClockTo(utc('2025-03-12T11:02:00Z'))
    await waitFor(async () => (await sentCount()) === 4, 'two sends at 08:00 on the second day')

    await moveClockTo(utc('2025-03-13T03:00:30Z'))
    await moveClockTo(utc('2025-03-13T11:00:30Z'))
    await moveClockTo(utc('2025-03-13T11:02:00Z'))
    await waitForCampaignState(campaign, 'finished')
    // Each send left at the slot its job was due at, in engine time.
    const jobs = await waitForSends(campaign, 6, 'the sends of every contact')
    const localTimes = jobs.map((job) =>
      DateTime.fromISO(job.data.dueAt!, { zone: 'America/Sao_Paulo' }).toFormat('dd HH:mm')
    )
    assert.deepEqual(localTimes.sort().slice(2), ['12 08:00', '12 08:01', '13 08:00', '13 08:01'])
  }).timeout(60_000)
})

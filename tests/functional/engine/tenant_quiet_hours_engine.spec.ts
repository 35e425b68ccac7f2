import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { IsoWeekday } from '#sdk'
import type Tenant from '#models/tenant'
import { forgetTenantQuietHours } from '#engine/quiet_policy'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { graphEdge, graphNode, sendNode } from '#tests/helpers/campaigns'
import { pairedSandbox, waitFor } from '#tests/helpers/channels'
import {
  campaignJourneys,
  campaignMessages,
  moveClockTo,
  publishedCampaign,
  seedAudience,
  startCampaign,
  useEngineRoles,
} from '#tests/helpers/engine'

const EVERY_DAY: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7]

async function setQuietHours(tenant: Tenant, basis: 'contact' | 'tenant') {
  tenant.timezone = 'America/Sao_Paulo'
  tenant.quietHours = { days: EVERY_DAY, start: '21:00', end: '08:00', basis }
  await tenant.save()
  forgetTenantQuietHours(tenant.id)
}

/** Creates a campaign that keeps the tenant's quiet hours, for a São Paulo (UTC-3) and a Manaus (UTC-4) contact. */
async function twoCityCampaign(tenantId: number, ownerId: number) {
  const instance = await pairedSandbox(tenantId, { deliveredDelayMs: 0, readDelayMs: 0 })
  const { listId, contactIds } = await seedAudience(tenantId, [
    { phone: '+5511987650201', timezone: 'America/Sao_Paulo' },
    { phone: '+5592987650202', timezone: 'America/Manaus' },
  ])
  const campaign = await publishedCampaign(
    tenantId,
    ownerId,
    {
      nodes: [graphNode('start', 'start'), sendNode('hello', 'Hello')],
      edges: [graphEdge('start', 'next', 'hello')],
    },
    { listIds: [listId], channelInstanceIds: [instance.id] }
  )
  return { campaign, saoPaulo: contactIds[0], manaus: contactIds[1] }
}

test.group('Tenant quiet hours in the engine', (group) => {
  useEngineRoles(group)

  test('contact clock holds São Paulo only', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await setQuietHours(tenant, 'contact')
    const { campaign, saoPaulo, manaus } = await twoCityCampaign(tenant.id, owner.id)
    assert.deepEqual(campaign.quietHours, { mode: 'tenant' })

    // 21:30 in São Paulo, 20:30 in Manaus.
    await moveClockTo(DateTime.fromISO('2025-03-11T00:30:00Z', { zone: 'utc' }))
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

    await moveClockTo(DateTime.fromISO('2025-03-11T11:00:00Z', { zone: 'utc' }))
    const both = await waitFor(async () => {
      const messages = await campaignMessages(campaign)
      return messages.length === 2 ? messages : null
    }, 'the São Paulo message after 08:00 local')
    assert.sameMembers(
      both.map((message) => message.contactId),
      [saoPaulo, manaus]
    )
  }).timeout(60_000)

  test('tenant clock holds both contacts', async ({ assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await setQuietHours(tenant, 'tenant')
    const { campaign, saoPaulo, manaus } = await twoCityCampaign(tenant.id, owner.id)

    await moveClockTo(DateTime.fromISO('2025-03-11T00:30:00Z', { zone: 'utc' }))
    await startCampaign(campaign, owner.id)

    const held = await waitFor(async () => {
      const journeys = await campaignJourneys(campaign)
      const waiting = journeys.filter((journey) => journey.state === 'waiting')
      return waiting.length === 2 ? waiting : null
    }, 'both journeys to wait')
    assert.sameMembers(
      held.map((journey) => journey.contactId),
      [saoPaulo, manaus]
    )
    for (const journey of held) {
      assert.equal(journey.resumeAt!.toUTC().toISO(), '2025-03-11T11:00:00.000Z')
    }
    assert.lengthOf(await campaignMessages(campaign), 0)
  }).timeout(60_000)
})

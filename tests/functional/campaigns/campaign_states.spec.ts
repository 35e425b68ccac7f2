import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import emitter from '@adonisjs/core/services/emitter'
import { DateTime } from 'luxon'
import type User from '#models/user'
import Campaign from '#models/campaign'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner, addMember } from '#tests/helpers/accounts'
import { createCampaign, createPublishedCampaign } from '#tests/helpers/campaigns'
import { startDueCampaigns } from '#services/campaigns/campaign_states'
import { createInstance } from '#services/channels/instance_service'

function act(client: any, user: User, campaignId: number, action: string) {
  return client
    .post(`/campaigns/${campaignId}/${action}`)
    .accept('json')
    .loginAs(user)
    .withCsrfToken()
}

/** Records the campaign events emitted while the test runs. */
function recordCampaignEvents(cleanup: (fn: () => void) => void) {
  const seen: { event: string; campaignId: number; userId: number | null }[] = []
  const names = [
    'campaign:started',
    'campaign:scheduled',
    'campaign:paused',
    'campaign:resumed',
    'campaign:cancelled',
  ] as const
  for (const name of names) {
    const listener = (payload: { campaignId: number; userId: number | null }) =>
      seen.push({ event: name, campaignId: payload.campaignId, userId: payload.userId })
    emitter.on(name, listener)
    cleanup(() => emitter.off(name, listener))
  }
  return seen
}

async function readyCampaign(tenantId: number, attributes: Partial<Campaign> = {}) {
  const campaign = await createPublishedCampaign(tenantId)
  await runInTenant(tenantId, async () => {
    campaign.merge({ listIds: [1], channelInstanceIds: [1], ...attributes })
    await campaign.save()
  })
  return campaign
}

test.group('Campaign states', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('start, pause, resume and cancel emit their events', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await readyCampaign(tenant.id)
    const seen = recordCampaignEvents(cleanup)

    const expected = [
      ['start', 'running', 'campaign:started'],
      ['pause', 'paused', 'campaign:paused'],
      ['resume', 'running', 'campaign:resumed'],
      ['cancel', 'cancelled', 'campaign:cancelled'],
    ]
    for (const [action, state, event] of expected) {
      const response = await act(client, owner, campaign.id, action)
      response.assertStatus(200)
      assert.equal(response.body().state, state, `${action} leads to ${state}`)
      assert.deepEqual(seen.at(-1), { event, campaignId: campaign.id, userId: owner.id })
    }
    await campaign.refresh()
    assert.isNotNull(campaign.startedAt)
    assert.isNotNull(campaign.cancelledAt)
  })

  test('refuses an action the state does not allow', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await readyCampaign(tenant.id)
    const seen = recordCampaignEvents(cleanup)

    const response = await act(client, owner, campaign.id, 'resume')
    const cancelDraft = await act(client, owner, campaign.id, 'cancel')
    response.assertStatus(409)
    assert.equal(response.body().reason, 'action_not_allowed')
    cancelDraft.assertStatus(409)
    assert.equal(cancelDraft.body().reason, 'action_not_allowed')
    assert.lengthOf(seen, 0)
    await campaign.refresh()
    assert.equal(campaign.state, 'draft')
  })

  test('refuses to start an unpublished campaign', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await readyCampaign(tenant.id, { currentVersionId: null })
    const response = await act(client, owner, campaign.id, 'start')
    response.assertStatus(409)
    assert.equal(response.body().reason, 'not_published')
  })

  test('refuses to start without audience or instance', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const noAudience = await readyCampaign(tenant.id, { listIds: [] })
    const withoutAudience = await act(client, owner, noAudience.id, 'start')
    assert.equal(withoutAudience.body().reason, 'no_audience')
    const noInstance = await readyCampaign(tenant.id, { channelInstanceIds: [] })
    const withoutInstance = await act(client, owner, noInstance.id, 'start')
    assert.equal(withoutInstance.body().reason, 'no_instance')
  })

  test('schedules a later start, then starts when due', async ({ client, assert, cleanup }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const startsAt = DateTime.utc().plus({ hours: 2 }).startOf('second')
    const campaign = await readyCampaign(tenant.id, { startMode: 'at', startsAt })
    const seen = recordCampaignEvents(cleanup)

    const response = await act(client, owner, campaign.id, 'start')
    assert.equal(response.body().state, 'scheduled')
    assert.equal(seen.at(-1)?.event, 'campaign:scheduled')

    assert.notInclude(await startDueCampaigns(DateTime.utc()), campaign.id)
    assert.include(await startDueCampaigns(startsAt.plus({ seconds: 1 })), campaign.id)
    assert.deepEqual(seen.at(-1), {
      event: 'campaign:started',
      campaignId: campaign.id,
      userId: null,
    })
    await campaign.refresh()
    assert.equal(campaign.state, 'running')
  })

  test('agents and viewers cannot change the state', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const campaign = await readyCampaign(tenant.id)
    for (const role of ['agent', 'viewer'] as const) {
      const { user } = await addMember(tenant.id, role)
      const response = await act(client, user, campaign.id, 'start')
      assert.equal(response.status(), 403, `${role} got ${response.status()}`)
    }
    const { user: editor } = await addMember(tenant.id, 'editor')
    const started = await act(client, editor, campaign.id, 'start')
    started.assertStatus(200)
  })
})

test.group('Campaign settings', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  const settings = {
    name: 'Black Friday',
    listIds: [],
    segmentIds: [],
    channelInstanceIds: [],
    variables: [{ name: 'coupon', value: 'BF25' }],
    startMode: 'at',
    startsAtLocal: '2030-11-28T09:30',
    minIntervalSeconds: 20,
    maxIntervalSeconds: 60,
    dailyCapPerNumber: 500,
    pauseAfterSends: 50,
    pauseMinutes: 10,
    quietHours: { mode: 'tenant', window: null },
  }

  test('stores the start time from the tenant zone in UTC', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    tenant.timezone = 'America/Sao_Paulo'
    await tenant.save()
    const [first, second] = await runInTenant(tenant.id, () =>
      Promise.all(
        ['One', 'Two'].map((name) => createInstance({ name, channel: 'sandbox', config: {} }))
      )
    )
    const response = await client
      .post('/campaigns')
      .json({ ...settings, channelInstanceIds: [second.id, first.id] })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)

    const campaign = await runInTenant(tenant.id, () =>
      Campaign.findByOrFail('name', 'Black Friday')
    )
    assert.equal(campaign.startsAt?.toUTC().toISO(), '2030-11-28T12:30:00.000Z')
    assert.deepEqual(campaign.channelInstanceIds, [second.id, first.id])
    assert.deepEqual(campaign.variables, { coupon: 'BF25' })
    assert.deepEqual(campaign.quietHours, { mode: 'tenant' })
    assert.equal(response.header('location'), `/campaigns/${campaign.id}/flow`)
  })

  test('rejects a minimum interval above the maximum', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await client
      .post('/campaigns')
      .json({ ...settings, minIntervalSeconds: 90 })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    const campaigns = await runInTenant(tenant.id, () => Campaign.query())
    assert.lengthOf(campaigns, 0)
  })
  test('rejects a start time that has passed', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const response = await client
      .post('/campaigns')
      .json({ ...settings, startsAtLocal: '2020-01-01T10:00' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.match(errors.startsAtLocal[0], /^2020-01-01 10:00 has already passed \(it is now /)
    const campaigns = await runInTenant(tenant.id, () => Campaign.query())
    assert.lengthOf(campaigns, 0)
  })

  test('keeps a stored start time that has passed', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    tenant.timezone = 'America/Sao_Paulo'
    await tenant.save()
    const campaign = await createCampaign(tenant.id, {
      startMode: 'at',
      startsAt: DateTime.fromISO('2020-01-01T10:00', { zone: tenant.timezone }).toUTC(),
    })
    const response = await client
      .put(`/campaigns/${campaign.id}`)
      .json({ ...settings, name: 'Renamed after its start', startsAtLocal: '2020-01-01T10:00' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    const errors = (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.isUndefined(errors.startsAtLocal)
    const stored = await runInTenant(tenant.id, () => Campaign.findOrFail(campaign.id))
    assert.equal(stored.name, 'Renamed after its start')
  })
})

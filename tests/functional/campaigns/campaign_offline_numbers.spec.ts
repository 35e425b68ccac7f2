import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { currentProgress } from '#engine/campaign_progress'
import { offlineNumbers } from '#services/campaigns/campaign_numbers'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign } from '#tests/helpers/campaigns'
import { createSandboxInstance } from '#tests/helpers/api'
import { INERTIA_HEADERS } from '#tests/helpers/audience'

/** Stores a published progress with an estimate of 60 s left for two journeys not ended. */
async function storeRun(tenantId: number, campaignId: number) {
  const rates = {
    at: new Date().toISOString(),
    sentPerMinute: 0,
    pacePerMinute: 2,
    etaSeconds: 60,
    nodesPerMinute: {},
  }
  await db.table('campaign_runs').insert({
    campaign_id: campaignId,
    tenant_id: tenantId,
    enrolled: 2,
    active: 2,
    completed: 0,
    sent: 0,
    failed: 0,
    rates: JSON.stringify(rates),
    progress_at: new Date(),
  })
}

async function setStatus(tenantId: number, instanceId: number, status: 'open' | 'closed') {
  await runInTenant(tenantId, () =>
    ChannelInstance.query().where('id', instanceId).update({ status })
  )
}

test.group('Campaign offline numbers', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('list and dashboard name the number', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await createSandboxInstance(tenant.id)
    const campaign = await createCampaign(tenant.id, {
      name: 'Sem número',
      state: 'running',
      channelInstanceIds: [instance.id],
    })

    const list = await client.get('/campaigns').headers(INERTIA_HEADERS).loginAs(owner)
    const row = list.body().props.campaigns.find((item: { id: number }) => item.id === campaign.id)
    assert.deepEqual(row.offline, {
      numbers: [{ id: instance.id, name: instance.name, status: 'closed' }],
      all: true,
    })

    const dashboard = await client.get('/').headers(INERTIA_HEADERS).loginAs(owner)
    const card = dashboard
      .body()
      .props.campaigns.find((item: { id: number }) => item.id === campaign.id)
    assert.isTrue(card.offline.all)
    assert.equal(card.offline.numbers[0].name, instance.name)
  })

  test('connected numbers give no note', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const connected = await createSandboxInstance(tenant.id)
    const closed = await createSandboxInstance(tenant.id)
    await setStatus(tenant.id, connected.id, 'open')
    const campaigns = [
      { id: 1, channelInstanceIds: [connected.id] },
      { id: 2, channelInstanceIds: [connected.id, closed.id] },
    ]

    const offline = await runInTenant(tenant.id, () => offlineNumbers(campaigns))

    assert.isFalse(offline.has(1))
    assert.deepEqual(offline.get(2), {
      numbers: [{ id: closed.id, name: closed.name, status: 'closed' }],
      all: false,
    })
  })

  test('estimate cleared while no number connects', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await createSandboxInstance(tenant.id)
    const campaign = await createCampaign(tenant.id, {
      state: 'running',
      channelInstanceIds: [instance.id],
    })
    await storeRun(tenant.id, campaign.id)

    const waiting = await runInTenant(tenant.id, () => currentProgress(campaign))
    assert.isTrue(waiting!.offline!.all)
    assert.isNull(waiting!.rates!.etaSeconds)

    await setStatus(tenant.id, instance.id, 'open')
    const sending = await runInTenant(tenant.id, () => currentProgress(campaign))
    assert.isNull(sending!.offline)
    assert.equal(sending!.rates!.etaSeconds, 60)
  })

  test('flow page carries the numbers', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await createSandboxInstance(tenant.id)
    const campaign = await createCampaign(tenant.id, { channelInstanceIds: [instance.id] })

    const page = await client
      .get(`/campaigns/${campaign.id}/flow`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)

    assert.isTrue(page.body().props.campaign.offline.all)
    assert.equal(page.body().props.campaign.offline.numbers[0].id, instance.id)
  })
})

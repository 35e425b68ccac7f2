import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Campaign from '#models/campaign'
import ChannelInstance from '#models/channel_instance'
import ContactList from '#models/contact_list'
import Segment from '#models/segment'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { campaignSettings, createCampaign } from '#tests/helpers/campaigns'

/** Builds a valid settings form with the given lists, segments and numbers. */
function settings(choices: { listIds: number[]; segmentIds: number[]; instanceIds: number[] }) {
  return {
    ...campaignSettings('Black Friday'),
    listIds: choices.listIds,
    segmentIds: choices.segmentIds,
    channelInstanceIds: choices.instanceIds,
  }
}

/** Creates one list, segment and number in the tenant and returns their ids. */
function choicesOf(tenantId: number) {
  return runInTenant(tenantId, async () => {
    const list = await ContactList.create({ name: `List ${Date.now()}` })
    const segment = await Segment.create({
      name: `Segment ${Date.now()}`,
      rules: { match: 'all', rules: [] },
    })
    const instance = await ChannelInstance.create({
      name: `Number ${Date.now()}`,
      channel: 'sandbox',
      status: 'closed',
    })
    return { listIds: [list.id], segmentIds: [segment.id], instanceIds: [instance.id] }
  })
}

test.group('Campaign choices', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('another tenant lists and numbers are rejected', async ({ client, assert }) => {
    const alpha = await createTenantWithOwner('Alpha')
    const beta = await createTenantWithOwner('Beta')
    const campaign = await createCampaign(alpha.tenant.id)
    const foreign = await choicesOf(beta.tenant.id)

    const response = await client
      .put(`/campaigns/${campaign.id}`)
      .json(settings(foreign))
      .loginAs(alpha.owner)
      .withCsrfToken()
      .redirects(0)

    assert.equal(response.status(), 302)
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.include(errors.listIds[0], String(foreign.listIds[0]))
    assert.include(errors.segmentIds[0], String(foreign.segmentIds[0]))
    assert.include(errors.channelInstanceIds[0], String(foreign.instanceIds[0]))
    const stored = await runInTenant(alpha.tenant.id, () => Campaign.findOrFail(campaign.id))
    assert.deepEqual(stored.channelInstanceIds, [])
    assert.deepEqual(stored.listIds, [])
  })

  test('own lists and numbers are saved', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const own = await choicesOf(tenant.id)

    const response = await client
      .put(`/campaigns/${campaign.id}`)
      .json(settings(own))
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    assert.equal(response.status(), 302)
    assert.isUndefined(response.flashMessages().errorsBag)
    const stored = await runInTenant(tenant.id, () => Campaign.findOrFail(campaign.id))
    assert.deepEqual(stored.channelInstanceIds, own.instanceIds)
    assert.deepEqual(stored.segmentIds, own.segmentIds)
  })
})

import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign } from '#tests/helpers/campaigns'

async function pausedInstance(tenantId: number) {
  return runInTenant(tenantId, async () => {
    const instance = await createInstance({ name: 'Loja Sul', channel: 'whatsapp', config: {} })
    instance.pausedForHealth = true
    await instance.save()
    return instance
  })
}

test.group('Connections health and pairing code', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('admin resumes paused campaign sends', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pausedInstance(tenant.id)

    const page = await client.get('/connections').loginAs(owner)
    // MySQL returns the flag as 1; the page treats any truthy value as paused.
    assert.match(page.text(), /pausedForHealth(&quot;|"):(true|1)\b/)

    const response = await client
      .post(`/connections/${instance.id}/resume-sends`)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(response.status(), 302)
    const fresh = await runInTenant(tenant.id, () => ChannelInstance.findOrFail(instance.id))
    assert.isFalse(Boolean(fresh.pausedForHealth))
  })

  test('viewer cannot resume sends', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: viewer } = await addMember(tenant.id, 'viewer')
    const instance = await pausedInstance(tenant.id)

    const response = await client
      .post(`/connections/${instance.id}/resume-sends`)
      .loginAs(viewer)
      .withCsrfToken()
      .redirects(0)
    assert.equal(response.status(), 302)
    assert.property(response.flashMessages().errorsBag ?? {}, 'E_AUTHORIZATION_FAILURE')
    const fresh = await runInTenant(tenant.id, () => ChannelInstance.findOrFail(instance.id))
    assert.isTrue(Boolean(fresh.pausedForHealth))
  })

  test('pairing code needs an E.164 number', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pausedInstance(tenant.id)

    const response = await client
      .post(`/connections/${instance.id}/pairing-code`)
      .form({ phone: '11 98765-4321' })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    assert.equal(response.status(), 302)
    assert.property(response.flashMessages().inputErrorsBag ?? {}, 'phone')
  })

  test('number in use is not deleted', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await runInTenant(tenant.id, () =>
      createInstance({ name: 'Loja Centro', channel: 'sandbox', config: {} })
    )
    const campaign = await createCampaign(tenant.id, {
      name: 'Sábado',
      state: 'running',
      channelInstanceIds: [instance.id],
    })
    const remove = () =>
      client.delete(`/connections/${instance.id}`).loginAs(owner).withCsrfToken().redirects(0)

    const rejection = await remove()
    const afterRejection = await runInTenant(tenant.id, () => ChannelInstance.find(instance.id))
    await runInTenant(tenant.id, async () => {
      campaign.state = 'finished'
      await campaign.save()
    })
    const deletion = await remove()
    const afterDeletion = await runInTenant(tenant.id, () => ChannelInstance.find(instance.id))

    assert.equal(rejection.status(), 302)
    assert.include(String(rejection.flashMessages().error), '“Sábado”')
    assert.isNotNull(afterRejection)
    assert.equal(deletion.status(), 302)
    assert.isNull(afterDeletion)
  })
})

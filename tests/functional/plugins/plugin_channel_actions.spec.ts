import { test } from '@japa/runner'
import Message from '#models/message'
import pluginHost from '#plugins/main'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance, performAction, requestConnect } from '#services/channels/instance_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { pairedSandbox, startChannelsRole, waitFor, waitForStatus } from '#tests/helpers/channels'

/** Creates a fixture-loopback instance of a new tenant, connected and paired. */
async function openLoopback() {
  const { tenant } = await createTenantWithOwner()
  await pluginHost.tenantState.setEnabled(tenant.id, 'fixture-loopback', true)
  const instance = await runInTenant(tenant.id, () =>
    createInstance({ name: 'Loopback', channel: 'fixture-loopback', config: {} })
  )
  await runInTenant(tenant.id, () => requestConnect(instance))
  await waitForStatus(tenant.id, instance.id, 'qr')
  await runInTenant(tenant.id, () => performAction(instance, 'scan', {}))
  await waitForStatus(tenant.id, instance.id, 'open')
  return { tenant, instance }
}

test.group('Plugin channel actions', (group) => {
  // The channels role runs in this process, as in the all-in-one install.
  group.setup(async () => {
    const channels = await startChannelsRole()
    return () => channels.stop()
  })

  test('callback route reaches the driver', async ({ client, assert }) => {
    const { tenant, instance } = await openLoopback()

    const response = await client
      .post(`/hooks/fixture-loopback/instances/${instance.id}/inbound`)
      .json({ from: '+5511999990001', text: 'callback reply' })
    response.assertStatus(200)
    response.assertBody({ received: true })

    const message = await waitFor(
      () =>
        runInTenant(tenant.id, () =>
          Message.query().where('instanceId', instance.id).where('body', 'callback reply').first()
        ),
      'the inbound message of the callback'
    )
    assert.equal(message.direction, 'in')
  })

  test('instance of another channel is not found', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const sandbox = await pairedSandbox(tenant.id)

    const response = await client
      .post(`/hooks/fixture-loopback/instances/${sandbox.id}/inbound`)
      .json({ from: '+5511999990001', text: 'not for the loopback' })
      .accept('json')
    response.assertStatus(404)
    assert.include(
      response.body().message,
      `no instance ${sandbox.id} of its channels (fixture-loopback)`
    )
  })

  test('driver errors keep their code', async ({ assert }) => {
    const { instance } = await openLoopback()
    const api = pluginHost.get('fixture-loopback')!.api!

    const error = await api.channelAction(instance.id, 'unknown', {}).catch((reason) => reason)
    assert.equal(error.code, 'E_LOOPBACK_ACTION_UNKNOWN')
    assert.include(error.message, 'Unknown loopback action "unknown"')
  })
})

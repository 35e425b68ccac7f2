import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { performAction } from '#services/channels/instance_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { startChannelsRole, waitForStatus } from '#tests/helpers/channels'

/**
 * Each action on the Connections page shows the member what happened: a
 * message of its own when it worked, and a translated reason naming the
 * connection when it failed, never a bare error code.
 */
test.group('Connection commands', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('{locale} messages for each action')
    .with([
      {
        locale: 'en',
        connecting: '“Vendas” is connecting.',
        notConnected: '“Vendas” is not connected, so there is no connection to cut.',
        dropped: 'The connection of “Vendas” was cut for a test.',
        unlinked: 'The phone is unlinked from “Vendas”.',
      },
      {
        locale: 'pt-BR',
        connecting: '“Vendas” está conectando.',
        notConnected: '“Vendas” não está conectada, então não há conexão para derrubar.',
        dropped: 'A conexão de “Vendas” foi derrubada para teste.',
        unlinked: 'O celular foi desvinculado de “Vendas”.',
      },
    ])
    .run(async ({ client, assert }, row) => {
      const { tenant, owner } = await createTenantWithOwner()
      owner.locale = row.locale
      await owner.save()
      const post = (url: string, form: object = {}) =>
        client.post(url).form(form).loginAs(owner).withCsrfToken().redirects(0)

      await post('/connections', { name: 'Vendas', channel: 'sandbox' })
      const instance = await runInTenant(tenant.id, () =>
        ChannelInstance.findByOrFail('name', 'Vendas')
      )

      const connect = await post(`/connections/${instance.id}/connect`)
      assert.include(connect.flashMessages().success, row.connecting)
      const pairing = await waitForStatus(tenant.id, instance.id, 'qr')

      // Nothing to cut while the number waits for its scan: the reason, not the code.
      const early = await post(`/connections/${instance.id}/drop`)
      assert.include(early.flashMessages().error, row.notConnected)
      assert.notInclude(early.flashMessages().error, 'E_SANDBOX_NOT_CONNECTED')

      const qr = pairing.pairing!.kind === 'qr' ? pairing.pairing!.qr : ''
      await runInTenant(tenant.id, () => performAction(instance, 'scan', { qr }))
      await waitForStatus(tenant.id, instance.id, 'open')
      const drop = await post(`/connections/${instance.id}/drop`)
      assert.include(drop.flashMessages().success, row.dropped)
      await waitForStatus(tenant.id, instance.id, 'open')

      const logout = await post(`/connections/${instance.id}/logout`)
      assert.include(logout.flashMessages().success, row.unlinked)
      assert.notExists(logout.flashMessages().error)
    })
    .timeout(60_000)
})

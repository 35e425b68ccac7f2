import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import type { Role } from '#tenancy/roles'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createContact } from '#tests/helpers/inbox'

/** Creates a sandbox connection waiting for its QR code to be scanned. */
function sandboxWaitingForScan(tenantId: number) {
  return runInTenant(tenantId, () =>
    ChannelInstance.create({
      name: `Simulated ${Date.now()}`,
      channel: 'sandbox',
      status: 'qr',
      pairing: { kind: 'qr', qr: 'sandbox-qr-code', expiresAt: null },
    })
  )
}

function post(client: ApiClient, url: string, body: Record<string, unknown>, user: User) {
  return client.post(url).json(body).accept('json').loginAs(user).withCsrfToken()
}

test.group('Simulator roles', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('viewer and agent only read', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxWaitingForScan(tenant.id)
    const contact = await createContact(tenant.id, 'Rita')

    for (const role of ['viewer', 'agent'] as Role[]) {
      const { user } = await addMember(tenant.id, role)

      const page = await client.get('/simulator').headers(INERTIA_HEADERS).loginAs(user)
      page.assertStatus(200)
      assert.isFalse(page.body().props.canSimulate, `${role} is offered the simulator's actions`)

      const scan = await post(client, `/simulator/${instance.id}/scan`, { qr: 'x' }, user)
      assert.equal(scan.status(), 403, `${role} scan answered ${scan.status()}`)
      const reply = await post(
        client,
        `/simulator/${instance.id}/reply`,
        { contactId: contact.id, text: 'PARAR' },
        user
      )
      assert.equal(reply.status(), 403, `${role} reply answered ${reply.status()}`)
    }
  })

  test('editor may scan and reply', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await sandboxWaitingForScan(tenant.id)
    const contact = await createContact(tenant.id, 'Rita')
    const { user } = await addMember(tenant.id, 'editor')

    const page = await client.get('/simulator').headers(INERTIA_HEADERS).loginAs(user)
    assert.isTrue(page.body().props.canSimulate)

    // Bodies that fail validation, which runs after the role check, so nothing is sent.
    const scan = await post(client, `/simulator/${instance.id}/scan`, {}, user)
    assert.equal(scan.status(), 422)
    const reply = await post(
      client,
      `/simulator/${instance.id}/reply`,
      { contactId: contact.id },
      user
    )
    assert.equal(reply.status(), 422)
  })
})

test.group('Simulator conversation', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('missing contact is rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await sandboxWaitingForScan(tenant.id)

    for (const query of ['', '?contactId=', '?contactId=abc']) {
      const response = await client
        .get(`/simulator/${instance.id}/conversation${query}`)
        .accept('json')
        .loginAs(owner)

      assert.equal(response.status(), 422, `"${query}" answered ${response.status()}`)
      assert.equal(response.body().errors?.[0]?.field, 'contactId', `"${query}"`)
    }
  })
})

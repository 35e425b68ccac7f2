import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import transmit from '@adonisjs/transmit/services/main'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { broadcastInstance } from '#services/channels/channel_broadcast'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createContact } from '#tests/helpers/inbox'

/** A value a channel plugin keeps in an instance's configuration, as its API key. */
const API_KEY = 'acme-api-key-of-the-test'

/** Creates a connection whose configuration contains `API_KEY`. */
function connectionWithApiKey(tenantId: number) {
  return runInTenant(tenantId, () =>
    ChannelInstance.create({
      name: 'Acme',
      channel: 'sandbox',
      status: 'open',
      config: { apiKey: API_KEY },
    })
  )
}

function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve))
}

test.group('Instance configuration access', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('pages leave the configuration out', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await connectionWithApiKey(tenant.id)
    const contact = await createContact(tenant.id, 'Lia')
    const { user: viewer } = await addMember(tenant.id, 'viewer')

    for (const user of [owner, viewer]) {
      const connections = await client.get('/connections').headers(INERTIA_HEADERS).loginAs(user)
      const simulator = await client.get('/simulator').headers(INERTIA_HEADERS).loginAs(user)
      const conversation = await client
        .get(`/simulator/${instance.id}/conversation?contactId=${contact.id}`)
        .accept('json')
        .loginAs(user)

      for (const response of [connections, simulator, conversation]) {
        response.assertStatus(200)
        assert.notInclude(response.text(), API_KEY)
      }
    }
  })

  test('live channels leave it out', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    const instance = await connectionWithApiKey(tenant.id)
    const payloads: string[] = []
    const stop = transmit.on('broadcast', (event) => {
      if (event.channel.startsWith(`tenants/${tenant.id}/`)) {
        payloads.push(JSON.stringify(event.payload))
      }
    })
    try {
      broadcastInstance(instance)
      await nextTurn()
      await nextTurn()
    } finally {
      stop()
    }

    assert.isNotEmpty(payloads)
    for (const payload of payloads) {
      assert.include(payload, '"name":"Acme"')
      assert.notInclude(payload, API_KEY)
    }
  })
})

import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { performAction } from '#services/channels/instance_service'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { startChannelsRole, waitFor, waitForStatus } from '#tests/helpers/channels'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

const IP = '127.0.0.1'

function instanceEntries(tenantId: number) {
  return AuditEntry.query()
    .where('tenant_id', tenantId)
    .where('target_type', 'channel_instance')
    .orderBy('id')
}

test.group('Audit log connection entries', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  /** Signs in an editor who adds a sandbox connection, connects it and pairs it by scanning. */
  async function pairedThroughPages(client: any) {
    const { tenant } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')
    const post = (url: string, form: object = {}) =>
      client.post(url).form(form).loginAs(editor).withCsrfToken().redirects(0)

    const created = await post('/connections', { name: 'Sales', channel: 'sandbox' })
    created.assertStatus(302)
    const instance = await runInTenant(tenant.id, () =>
      ChannelInstance.findByOrFail('name', 'Sales')
    )
    const connect = await post(`/connections/${instance.id}/connect`)
    connect.assertStatus(302)
    const pairing = await waitForStatus(tenant.id, instance.id, 'qr')
    const qr = pairing.pairing!.kind === 'qr' ? pairing.pairing!.qr : ''
    await runInTenant(tenant.id, () => performAction(instance, 'scan', { qr }))
    await waitForStatus(tenant.id, instance.id, 'open')
    await waitFor(async () => {
      const entries = await instanceEntries(tenant.id).where('action', 'instance.connected')
      return entries.length > 0
    }, 'the instance.connected entry')
    return { tenant, editor, instance, post }
  }

  /** Waits until the channels role let the instance go, so every status of its session is in. */
  async function sessionEnded(instanceId: number) {
    await waitFor(
      async () => !role.ownedInstances().includes(instanceId),
      `the session of instance ${instanceId} to end`
    )
  }

  test('disconnect is recorded once, under the member', async ({ client, assert }) => {
    const { tenant, editor, instance, post } = await pairedThroughPages(client)

    const response = await post(`/connections/${instance.id}/disconnect`)
    response.assertStatus(302)
    assert.notExists(response.flashMessages()?.error)
    await waitForStatus(tenant.id, instance.id, 'closed')
    await sessionEnded(instance.id)

    const entries = await instanceEntries(tenant.id)
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.actorId]),
      [
        ['instance.created', editor.id],
        ['instance.connect_requested', editor.id],
        ['instance.connected', null],
        ['instance.disconnected', editor.id],
      ]
    )
    const disconnected = entries[3]
    assert.equal(disconnected.targetId, String(instance.id))
    assert.equal(disconnected.ipAddress, IP)
    assert.deepEqual(disconnected.before, { status: 'open' })
    assert.deepEqual(disconnected.after, { status: 'closed' })

    const connected = entries[2]
    assert.isNull(connected.ipAddress)
    assert.deepEqual(connected.before, { status: 'qr' })
    assert.deepInclude(connected.after!, { status: 'open', channel: 'sandbox' })
  })

  test('log out and delete are recorded under the member', async ({ client, assert }) => {
    const { tenant, editor, instance, post } = await pairedThroughPages(client)

    const logout = await post(`/connections/${instance.id}/logout`)
    logout.assertStatus(302)
    await waitForStatus(tenant.id, instance.id, 'logged_out')
    await sessionEnded(instance.id)
    const deleted = await client
      .delete(`/connections/${instance.id}`)
      .loginAs(editor)
      .withCsrfToken()
      .redirects(0)
    deleted.assertStatus(302)

    const entries = await instanceEntries(tenant.id).whereIn('action', [
      'instance.logged_out',
      'instance.disconnected',
      'instance.deleted',
    ])
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.actorId]),
      [
        ['instance.logged_out', editor.id],
        ['instance.deleted', editor.id],
      ]
    )
    assert.deepEqual(entries[0].before, { status: 'open' })
    assert.deepEqual(entries[0].after, { status: 'logged_out' })
    assert.equal(entries[1].targetId, String(instance.id))
    assert.equal(entries[1].ipAddress, IP)
    assert.deepEqual(entries[1].before, { name: 'Sales', channel: 'sandbox', accountAddress: null })
  })

  test('deleting a live connection is recorded once', async ({ client, assert }) => {
    const { tenant, editor, instance } = await pairedThroughPages(client)
    const paired = await runInTenant(tenant.id, () => ChannelInstance.findOrFail(instance.id))

    const deleted = await client
      .delete(`/connections/${instance.id}`)
      .loginAs(editor)
      .withCsrfToken()
      .redirects(0)
    deleted.assertStatus(302)
    await sessionEnded(instance.id)

    const entries = await instanceEntries(tenant.id).whereNotIn('action', [
      'instance.created',
      'instance.connect_requested',
      'instance.connected',
    ])
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.actorId]),
      [['instance.deleted', editor.id]]
    )
    assert.isNotNull(paired.accountAddress)
    assert.deepEqual(entries[0].before, {
      name: 'Sales',
      channel: 'sandbox',
      accountAddress: paired.accountAddress,
    })
  })

  test('a dropped phone is the system', async ({ client, assert }) => {
    const { tenant, instance } = await pairedThroughPages(client)

    await runInTenant(tenant.id, () => performAction(instance, 'drop', {}))
    const entries = await waitFor(async () => {
      const connected = await instanceEntries(tenant.id).where('action', 'instance.connected')
      return connected.length === 2 ? connected : null
    }, 'the reconnection entry')
    for (const entry of entries) {
      assert.isNull(entry.actorId)
    }
  })

  test('renames, settings and resumed sends', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: editor } = await addMember(tenant.id, 'editor')
    const send = (method: 'post' | 'put', url: string, form: object = {}) =>
      client[method](url).form(form).loginAs(editor).withCsrfToken().redirects(0)

    await send('post', '/connections', { name: 'Sales', channel: 'sandbox' })
    const instance = await runInTenant(tenant.id, () =>
      ChannelInstance.findByOrFail('name', 'Sales')
    )
    const config = { ...instance.config, failurePercent: 5 }
    const responses = [
      await send('put', `/connections/${instance.id}`, { name: 'Sales' }),
      await send('put', `/connections/${instance.id}`, { name: 'Shop' }),
      await send('put', `/connections/${instance.id}`, { name: 'Shop', config }),
      await send('post', `/connections/${instance.id}/resume-sends`),
    ]
    for (const response of responses) {
      response.assertStatus(302)
    }
    // The sandbox has no pairing codes: a failed request leaves no entry.
    const pairing = await send('post', `/connections/${instance.id}/pairing-code`, {
      phone: '+5511990001111',
    })
    assert.exists(pairing.flashMessages().error)

    const entries = await instanceEntries(tenant.id).whereNot('action', 'instance.created')
    assert.deepEqual(
      entries.map((entry) => [entry.action, entry.actorId, entry.before, entry.after]),
      [
        ['instance.updated', editor.id, { name: 'Sales' }, { name: 'Shop', settings: ['name'] }],
        ['instance.updated', editor.id, null, { settings: ['config'] }],
        ['instance.sends_resumed', editor.id, { status: 'closed' }, { status: 'closed' }],
      ]
    )
  })
})

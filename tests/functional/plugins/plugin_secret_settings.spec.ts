import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import testUtils from '@adonisjs/core/services/test_utils'
import pluginHost from '#plugins/main'
import db from '@adonisjs/lucid/services/db'
import ChannelInstance from '#models/channel_instance'
import TenantPlugin from '#models/tenant_plugin'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

const SECRET = 'notes-token-4821'

/** Sends a JSON request as `user` with its CSRF token, without following the redirect. */
function submit(client: ApiClient, method: 'post' | 'put', url: string, body: object, user: User) {
  return client[method](url).json(body).loginAs(user).withCsrfToken().redirects(0)
}

test.group('Plugin secret settings', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('page never receives the secret', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { user: viewer } = await addMember(tenant.id, 'viewer')
    await pluginHost.tenantState.setSettings(tenant.id, 'fixture-notes', {
      greeting: 'Olá',
      token: SECRET,
    })

    for (const member of [owner, viewer]) {
      const page = await client
        .get('/settings/plugins/fixture-notes')
        .headers(INERTIA_HEADERS)
        .loginAs(member)
      page.assertStatus(200)
      assert.notInclude(page.text(), SECRET)
      assert.equal(page.body().props.values.greeting, 'Olá')
      assert.equal(page.body().props.values.token, '')
      assert.deepEqual(page.body().props.storedSecrets, ['token'])
      const field = page.body().props.fields.find((entry: any) => entry.name === 'token')
      assert.isTrue(field.secret)
    }
  })

  test('empty secret keeps the stored one', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const save = (values: Record<string, unknown>) =>
      submit(client, 'put', '/settings/plugins/fixture-notes/settings', { values }, owner)

    const first = await save({ greeting: 'Olá', token: SECRET })
    first.assertStatus(302)
    const second = await save({ greeting: 'Oi', token: '' })
    second.assertStatus(302)

    const settings = await pluginHost.tenantSettings('fixture-notes', tenant.id)
    assert.equal(settings.greeting, 'Oi')
    assert.equal(settings.token, SECRET)
  })

  test('secret is stored encrypted', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const values = { greeting: 'Olá', token: SECRET }
    const url = '/settings/plugins/fixture-notes/settings'
    const response = await submit(client, 'put', url, { values }, owner)
    response.assertStatus(302)

    const row = await db
      .from('tenant_plugins')
      .where({ tenant_id: tenant.id, plugin_name: 'fixture-notes' })
      .firstOrFail()
    assert.notInclude(row.settings, SECRET)
    assert.include(row.settings, 'Olá')
    const stored = await runInTenant(tenant.id, () =>
      TenantPlugin.query().where('plugin_name', 'fixture-notes').firstOrFail()
    )
    assert.deepEqual(stored.settings, values)
  })

  test('undecryptable secret reads empty', async ({ assert }) => {
    const { tenant } = await createTenantWithOwner()
    await db.table('tenant_plugins').insert({
      tenant_id: tenant.id,
      plugin_name: 'fixture-notes',
      enabled: null,
      settings: JSON.stringify({ greeting: 'Olá', token: 'sealed:v1:made-with-another-key' }),
      created_at: new Date(),
      updated_at: new Date(),
    })

    const stored = await runInTenant(tenant.id, () =>
      TenantPlugin.query().where('plugin_name', 'fixture-notes').firstOrFail()
    )
    assert.deepEqual(stored.settings, { greeting: 'Olá', token: '' })
  })

  test('audit hides the secret', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await pluginHost.tenantState.setSettings(tenant.id, 'fixture-notes', {
      greeting: 'Olá',
      token: 'old-token',
    })

    const values = { greeting: 'Olá', token: SECRET }
    const url = '/settings/plugins/fixture-notes/settings'
    const response = await submit(client, 'put', url, { values }, owner)
    response.assertStatus(302)

    const entries = await AuditEntry.query()
      .where('tenant_id', tenant.id)
      .where('action', 'plugin.settings_changed')
    assert.lengthOf(entries, 1)
    assert.deepEqual(entries[0].before, { greeting: 'Olá', token: '[hidden]' })
    assert.deepEqual(entries[0].after, { greeting: 'Olá', token: '[hidden, changed]' })
    assert.notInclude(JSON.stringify(entries[0].serialize()), SECRET)
    assert.notInclude(JSON.stringify(entries[0].serialize()), 'old-token')
  })
})

test.group('Channel secret configuration', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('connections page never receives the secret', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { user: viewer } = await addMember(tenant.id, 'viewer')
    const connection = { name: 'Loopback', channel: 'fixture-loopback', config: { apiKey: SECRET } }
    const created = await submit(client, 'post', '/connections', connection, owner)
    created.assertStatus(302)
    const instance = await runInTenant(tenant.id, () => ChannelInstance.firstOrFail())
    assert.equal(instance.config.apiKey, SECRET)
    const row = await db.from('channel_instances').where('id', instance.id).firstOrFail()
    assert.notInclude(JSON.stringify(row.config), SECRET)

    for (const member of [owner, viewer]) {
      const page = await client.get('/connections').headers(INERTIA_HEADERS).loginAs(member)
      page.assertStatus(200)
      assert.notInclude(page.text(), SECRET)
      const [shown] = page.body().props.instances
      assert.notProperty(shown, 'config')
    }
  })

  test('empty secret keeps the stored key', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await runInTenant(tenant.id, () =>
      ChannelInstance.create({
        name: 'Loopback',
        channel: 'fixture-loopback',
        config: { apiKey: SECRET },
        status: 'closed',
        pausedForHealth: false,
      })
    )

    const update = { name: 'Loopback 2', config: { apiKey: '' } }
    const renamed = await submit(client, 'put', `/connections/${instance.id}`, update, owner)
    renamed.assertStatus(302)

    await instance.refresh()
    assert.equal(instance.name, 'Loopback 2')
    assert.equal(instance.config.apiKey, SECRET)
  })
})

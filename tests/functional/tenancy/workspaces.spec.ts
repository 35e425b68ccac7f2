import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import Campaign from '#models/campaign'
import Membership from '#models/membership'
import Tenant from '#models/tenant'
import type User from '#models/user'
import { quietUntil } from '#engine/quiet_policy'
import { runAsSystem, runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createCampaign } from '#tests/helpers/campaigns'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

const LISBON = { name: 'Padaria Lisboa', defaultCountry: 'PT', timezone: 'Europe/Lisbon' }

function createWorkspace(client: ApiClient, user: User, body: Record<string, unknown>) {
  return client.post('/workspaces').form(body).loginAs(user).withCsrfToken().redirects(0)
}

function saveSettings(client: ApiClient, user: User, body: Record<string, unknown>) {
  return client.put('/settings/workspace').form(body).loginAs(user).withCsrfToken().redirects(0)
}

function auditEntries(tenantId: number, action: string) {
  return AuditEntry.query().where('tenant_id', tenantId).where('action', action)
}

test.group('Workspaces create', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('member opens a workspace as its owner', async ({ client, assert }) => {
    const { tenant: first, owner } = await createTenantWithOwner()

    const response = await createWorkspace(client, owner, LISBON)
    response.assertStatus(302)
    response.assertHeader('location', '/')

    const created = await Tenant.findByOrFail('name', 'Padaria Lisboa')
    assert.equal(created.slug, 'padaria-lisboa')
    assert.equal(created.defaultCountry, 'PT')
    assert.equal(created.timezone, 'Europe/Lisbon')
    assert.equal(created.locale, 'en')
    const membership = await runInTenant(created.id, () =>
      Membership.query().where('user_id', owner.id).firstOrFail()
    )
    assert.equal(membership.role, 'owner')
    await owner.refresh()
    assert.equal(owner.currentTenantId, created.id)

    const page = await client.get('/').loginAs(owner).headers(INERTIA_HEADERS)
    assert.equal(page.body().props.tenant.id, created.id)
    assert.equal(page.body().props.role, 'owner')
    assert.sameMembers(
      page.body().props.tenants.map((entry: { id: number }) => entry.id),
      [first.id, created.id]
    )

    const back = await client
      .post('/tenants/switch')
      .form({ tenantId: first.id })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    back.assertStatus(302)
    await owner.refresh()
    assert.equal(owner.currentTenantId, first.id)
  })

  test('new workspace gets the defaults of a sign-up', async ({ client, assert }) => {
    const { tenant: signedUp, owner } = await createTenantWithOwner()
    await createWorkspace(client, owner, LISBON)
    const created = await Tenant.findByOrFail('name', 'Padaria Lisboa')

    assert.equal(created.locale, signedUp.locale)
    assert.isNull(created.quietHours)
    const page = await client.get('/settings/plugins').loginAs(owner).headers(INERTIA_HEADERS)
    page.assertStatus(200)
    const enabled = (list: { name: string; enabled: boolean }[]) =>
      list.filter((plugin) => plugin.enabled).map((plugin) => plugin.name)
    await owner.merge({ currentTenantId: signedUp.id }).save()
    const original = await client.get('/settings/plugins').loginAs(owner).headers(INERTIA_HEADERS)
    assert.sameMembers(enabled(page.body().props.plugins), enabled(original.body().props.plugins))
  })

  test('creation is audited in the new workspace', async ({ client, assert }) => {
    const { tenant: first, owner } = await createTenantWithOwner()
    await createWorkspace(client, owner, LISBON)
    const created = await Tenant.findByOrFail('name', 'Padaria Lisboa')

    const [entry] = await auditEntries(created.id, 'workspace.created')
    assert.equal(entry.actorId, owner.id)
    assert.equal(entry.targetId, String(created.id))
    assert.deepEqual(entry.after, LISBON)
    assert.lengthOf(await auditEntries(first.id, 'workspace.created'), 0)
  })

  test('unknown time zone and country are rejected', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const cases = [
      { body: { ...LISBON, timezone: 'Mars/Olympus' }, field: 'timezone' },
      { body: { ...LISBON, timezone: '' }, field: 'timezone' },
      { body: { ...LISBON, defaultCountry: 'XX' }, field: 'defaultCountry' },
      { body: { ...LISBON, name: ' ' }, field: 'name' },
    ]
    for (const { body, field } of cases) {
      const response = await createWorkspace(client, owner, body)
      response.assertStatus(302)
      assert.property(response.flashMessages().inputErrorsBag ?? {}, field, JSON.stringify(body))
    }
    assert.isNull(await Tenant.findBy('name', 'Padaria Lisboa'))
    await owner.refresh()
    const memberships = await runAsSystem(() => Membership.query().where('user_id', owner.id))
    assert.lengthOf(memberships, 1)
  })

  test('new workspace page offers the countries', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const page = await client.get('/workspaces/new').loginAs(owner).headers(INERTIA_HEADERS)
    page.assertStatus(200)
    assert.equal(page.body().component, 'workspaces/new')
    assert.include(page.body().props.countries, 'BR')
    assert.include(page.body().props.countries, 'PT')
    assert.deepEqual(page.body().props.defaults, {
      defaultCountry: 'BR',
      timezone: 'America/Sao_Paulo',
    })
  })
})

test.group('Workspace settings', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('owner changes name, country and time zone', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const before = tenant.name

    const response = await saveSettings(client, owner, LISBON)
    response.assertStatus(302)
    await tenant.refresh()
    assert.equal(tenant.name, 'Padaria Lisboa')
    assert.equal(tenant.defaultCountry, 'PT')
    assert.equal(tenant.timezone, 'Europe/Lisbon')

    const [entry] = await auditEntries(tenant.id, 'settings.workspace_changed')
    assert.equal(entry.actorId, owner.id)
    assert.equal(entry.targetType, 'tenant')
    assert.equal(entry.targetId, String(tenant.id))
    assert.equal(entry.ipAddress, '127.0.0.1')
    assert.deepEqual(entry.before, {
      name: before,
      defaultCountry: 'BR',
      timezone: 'America/Sao_Paulo',
    })
    assert.deepEqual(entry.after, LISBON)
  })

  test('time zone change alone is audited', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await saveSettings(client, owner, {
      name: tenant.name,
      defaultCountry: 'BR',
      timezone: 'America/Manaus',
    })

    const [entry] = await auditEntries(tenant.id, 'settings.workspace_changed')
    assert.deepEqual(entry.before, { timezone: 'America/Sao_Paulo' })
    assert.deepEqual(entry.after, { timezone: 'America/Manaus' })

    await saveSettings(client, owner, {
      name: tenant.name,
      defaultCountry: 'BR',
      timezone: 'America/Manaus',
    })
    assert.lengthOf(await auditEntries(tenant.id, 'settings.workspace_changed'), 1)
  })

  test('invalid time zone leaves the tenant as it was', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const response = await saveSettings(client, owner, { ...LISBON, timezone: 'Mars/Olympus' })
    response.assertStatus(302)
    assert.property(response.flashMessages().inputErrorsBag ?? {}, 'timezone')
    await tenant.refresh()
    assert.equal(tenant.timezone, 'America/Sao_Paulo')
    assert.notEqual(tenant.name, 'Padaria Lisboa')
    assert.lengthOf(await auditEntries(tenant.id, 'settings.workspace_changed'), 0)
  })

  test('admin changes, other roles only read', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user: admin } = await addMember(tenant.id, 'admin')
    const allowed = await saveSettings(client, admin, LISBON)
    allowed.assertStatus(302)
    assert.notProperty(allowed.flashMessages().errorsBag ?? {}, 'E_AUTHORIZATION_FAILURE')
    await tenant.refresh()
    assert.equal(tenant.timezone, 'Europe/Lisbon')

    for (const role of ['editor', 'agent', 'viewer'] as const) {
      const { user } = await addMember(tenant.id, role)
      const denied = await saveSettings(client, user, { ...LISBON, timezone: 'Asia/Tokyo' })
      denied.assertStatus(302)
      assert.property(denied.flashMessages().errorsBag ?? {}, 'E_AUTHORIZATION_FAILURE', role)

      const page = await client.get('/settings/workspace').loginAs(user).headers(INERTIA_HEADERS)
      page.assertStatus(200)
      assert.isFalse(page.body().props.canManage, role)
      assert.equal(page.body().props.workspace.timezone, 'Europe/Lisbon')
    }
    await tenant.refresh()
    assert.equal(tenant.timezone, 'Europe/Lisbon')
  })

  test('new time zone reaches the quiet hours at once', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    tenant.quietHours = {
      days: [1, 2, 3, 4, 5, 6, 7],
      start: '21:00',
      end: '08:00',
      basis: 'tenant',
    }
    await tenant.save()
    const created = await createCampaign(tenant.id)
    const campaign = await runInTenant(tenant.id, () => Campaign.findOrFail(created.id))
    // 01:00 UTC is 22:00 in São Paulo (UTC-3), inside quiet hours until
    // 08:00 there, and 10:00 in Tokyo (UTC+9), outside them.
    const now = DateTime.fromISO('2026-03-10T01:00:00Z')
    const before = await quietUntil(campaign, now, 'UTC')
    assert.equal(before?.toUTC().toISO(), '2026-03-10T11:00:00.000Z')

    await saveSettings(client, owner, {
      name: tenant.name,
      defaultCountry: 'BR',
      timezone: 'Asia/Tokyo',
    })
    assert.isNull(await quietUntil(campaign, now, 'UTC'))
  })
})

test.group('Workspace form errors', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('name the fields as labelled', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const body = { name: '', defaultCountry: 'BR', timezone: 'Mars/Olympus' }
    const cases = [
      {
        language: 'en',
        name: 'Fill in the workspace name.',
        timezone:
          '“Mars/Olympus” is not a time zone of the IANA list. Type one in the time zone, such as America/Sao_Paulo.',
      },
      {
        language: 'pt-BR',
        name: 'Preencha o campo Nome do espaço de trabalho.',
        timezone:
          '“Mars/Olympus” não é um fuso horário da lista IANA. Digite um no campo Fuso horário, como America/Sao_Paulo.',
      },
    ]
    for (const expected of cases) {
      for (const response of [
        await saveSettings(client, owner, body).header('accept-language', expected.language),
        await createWorkspace(client, owner, body).header('accept-language', expected.language),
      ]) {
        const errors = (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
        assert.equal(errors.name?.[0], expected.name)
        assert.equal(errors.timezone?.[0], expected.timezone)
      }
    }
  })

  test('sign-up names the agency field', async ({ client, assert }) => {
    const response = await client
      .post('/signup')
      .form({
        fullName: 'Ana',
        email: `ana${Date.now()}@example.com`,
        password: 'correct horse battery',
        tenantName: '',
      })
      .withCsrfToken()
      .redirects(0)
    const errors = (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.equal(errors.tenantName?.[0], 'Fill in the agency or business name.')
  })
})

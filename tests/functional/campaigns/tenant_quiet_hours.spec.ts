import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import type { ApiClient } from '@japa/api-client'
import Campaign from '#models/campaign'
import type User from '#models/user'
import { quietUntil } from '#engine/quiet_policy'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { createCampaign } from '#tests/helpers/campaigns'
import AuditEntry from '../../../plugins/audit/models/audit_entry.js'

const NIGHTS = { days: [1, 2, 3, 4, 5, 6, 7], start: '21:00', end: '08:00' }

function saveQuietHours(client: ApiClient, user: User, body: Record<string, unknown>) {
  return client.put('/settings/quiet-hours').json(body).loginAs(user).withCsrfToken().redirects(0)
}

/** Creates a draft campaign and reads it back, so columns left NULL read as their defaults. */
async function storedCampaign(tenantId: number) {
  const created = await createCampaign(tenantId)
  return runInTenant(tenantId, () => Campaign.findOrFail(created.id))
}

/** Signs up a tenant in São Paulo (UTC-3, no daylight saving time since 2019). */
async function saoPauloTenant() {
  const account = await createTenantWithOwner()
  account.tenant.timezone = 'America/Sao_Paulo'
  await account.tenant.save()
  return account
}

test.group('Tenant quiet hours settings', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('owner saves the policy', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const response = await saveQuietHours(client, owner, {
      enabled: true,
      days: [5, 1, 3],
      start: '21:30',
      end: '07:45',
      basis: 'tenant',
    })
    response.assertStatus(302)

    await tenant.refresh()
    assert.deepEqual(tenant.quietHours, {
      days: [1, 3, 5],
      start: '21:30',
      end: '07:45',
      basis: 'tenant',
    })

    const [entry] = await AuditEntry.query()
      .where('tenant_id', tenant.id)
      .where('action', 'settings.quiet_hours_changed')
    assert.equal(entry.actorId, owner.id)
    assert.equal(entry.targetType, 'tenant')
    assert.equal(entry.targetId, String(tenant.id))
    assert.equal(entry.ipAddress, '127.0.0.1')
    assert.deepEqual(entry.before, { quietHours: null })
    assert.deepEqual(entry.after, { quietHours: tenant.quietHours })
  })

  test('switching it off clears it', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await saveQuietHours(client, owner, { enabled: true, ...NIGHTS, basis: 'contact' })
    const response = await saveQuietHours(client, owner, { enabled: false })
    response.assertStatus(302)
    await tenant.refresh()
    assert.isNull(tenant.quietHours)
  })

  test('invalid values are rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const cases = [
      { ...NIGHTS, start: '25:00', basis: 'contact' },
      { ...NIGHTS, days: [], basis: 'contact' },
      { ...NIGHTS, days: [8], basis: 'contact' },
      { ...NIGHTS, basis: 'server' },
      { days: NIGHTS.days, basis: 'contact' },
      { ...NIGHTS, end: '21:00', basis: 'contact' },
    ]
    for (const values of cases) {
      const response = await saveQuietHours(client, owner, { enabled: true, ...values })
      response.assertStatus(302)
      const errors = response.flashMessages().errorsBag ?? response.flashMessages().inputErrorsBag
      assert.exists(errors, JSON.stringify(values))
      await tenant.refresh()
      assert.isNull(tenant.quietHours, JSON.stringify(values))
    }
  })

  test('start equal to end names the fix', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const response = await saveQuietHours(client, owner, {
      enabled: true,
      ...NIGHTS,
      end: '21:00',
      basis: 'contact',
    })
    // A field error, which the form shows under the end time, not a page-wide one.
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.deepEqual(errors.end, ['Choose an end time different from the start time.'])
    assert.notProperty(response.flashMessages().errorsBag ?? {}, 'end')
  })

  test('errors name the field in the member language', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const noDays = { enabled: true, ...NIGHTS, days: [], start: '', basis: 'contact' }
    const english = await saveQuietHours(client, owner, noDays)
    const inEnglish = english.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.equal(inEnglish.days[0], 'Pick at least 1 of the days.')
    assert.equal(inEnglish.start[0], 'Fill in the start time.')

    owner.locale = 'pt-BR'
    await owner.save()
    const portuguese = await saveQuietHours(client, owner, noDays)
    const inPortuguese = portuguese.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.equal(inPortuguese.days[0], 'Escolha pelo menos 1 no campo Dias.')
    assert.equal(inPortuguese.start[0], 'Preencha o campo Início.')
  })

  test('editors read but cannot change it', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { user } = await addMember(tenant.id, 'editor')

    const page = await client.get('/settings/quiet-hours').headers(INERTIA_HEADERS).loginAs(user)
    page.assertStatus(200)
    assert.isFalse(page.body().props.canManage)
    assert.isNull(page.body().props.quietHours)

    const response = await client
      .put('/settings/quiet-hours')
      .json({ enabled: true, ...NIGHTS, basis: 'contact' })
      .accept('json')
      .loginAs(user)
      .withCsrfToken()
    response.assertStatus(403)
    await tenant.refresh()
    assert.isNull(tenant.quietHours)
  })

  test('page speaks Portuguese', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const page = await client.get('/settings/quiet-hours').headers(INERTIA_HEADERS).loginAs(owner)
    page.assertStatus(200)
    const { translations } = page.body().props
    assert.equal(translations['quiet_hours.title'], 'Horário de silêncio')
    assert.equal(translations['quiet_hours.basis_contact'], 'A hora local do contato')
  })
})

test.group('Tenant quiet hours in campaigns', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('new campaign form shows the inherited default', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await saveQuietHours(client, owner, { enabled: true, ...NIGHTS, basis: 'contact' })

    const page = await client.get('/campaigns/new').headers(INERTIA_HEADERS).loginAs(owner)
    page.assertStatus(200)
    assert.isNull(page.body().props.campaign)
    assert.deepEqual(page.body().props.tenantQuietHours, { ...NIGHTS, basis: 'contact' })

    const campaign = await createCampaign(tenant.id)
    const edit = await client
      .get(`/campaigns/${campaign.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    assert.deepEqual(edit.body().props.campaign.quietHours, { mode: 'tenant', window: null })
    assert.deepEqual(edit.body().props.tenantQuietHours, { ...NIGHTS, basis: 'contact' })
  })

  test('contact basis reads the contact clock', async ({ client, assert }) => {
    const { tenant, owner } = await saoPauloTenant()
    await saveQuietHours(client, owner, { enabled: true, ...NIGHTS, basis: 'contact' })
    const campaign = await storedCampaign(tenant.id)
    // 23:00 in São Paulo, 11:00 in Tokyo.
    const now = DateTime.fromISO('2026-12-04T02:00:00Z', { zone: 'utc' })

    const saoPaulo = await quietUntil(campaign, now, 'America/Sao_Paulo')
    assert.equal(saoPaulo?.toISO(), '2026-12-04T11:00:00.000Z')
    assert.isNull(await quietUntil(campaign, now, 'Asia/Tokyo'))
  })

  test('tenant basis reads the tenant clock', async ({ client, assert }) => {
    const { tenant, owner } = await saoPauloTenant()
    await saveQuietHours(client, owner, { enabled: true, ...NIGHTS, basis: 'tenant' })
    const campaign = await storedCampaign(tenant.id)
    const now = DateTime.fromISO('2026-12-04T02:00:00Z', { zone: 'utc' })

    const tokyo = await quietUntil(campaign, now, 'Asia/Tokyo')
    assert.equal(tokyo?.toISO(), '2026-12-04T11:00:00.000Z')
    const afterwards = await quietUntil(campaign, now.plus({ hours: 9 }), 'Asia/Tokyo')
    assert.isNull(afterwards)
  })

  test('own window overrides the tenant', async ({ client, assert }) => {
    const { tenant, owner } = await saoPauloTenant()
    await saveQuietHours(client, owner, { enabled: true, ...NIGHTS, basis: 'contact' })
    const campaign = await createCampaign(tenant.id, {
      quietHours: { mode: 'custom', window: { days: [5], start: '12:00', end: '13:00' } },
    })
    const now = DateTime.fromISO('2026-12-04T02:00:00Z', { zone: 'utc' })

    assert.isNull(await quietUntil(campaign, now, 'America/Sao_Paulo'))
    // Friday 4 December 2026, 12:30 in São Paulo.
    const noon = await quietUntil(campaign, now.plus({ hours: 13.5 }), 'America/Sao_Paulo')
    assert.equal(noon?.toISO(), '2026-12-04T16:00:00.000Z')
  })

  test('no tenant policy sends at any hour', async ({ client, assert }) => {
    const { tenant, owner } = await saoPauloTenant()
    await saveQuietHours(client, owner, { enabled: true, ...NIGHTS, basis: 'contact' })
    await saveQuietHours(client, owner, { enabled: false })
    const campaign = await storedCampaign(tenant.id)
    const now = DateTime.fromISO('2026-12-04T02:00:00Z', { zone: 'utc' })
    assert.isNull(await quietUntil(campaign, now, 'America/Sao_Paulo'))
  })
})

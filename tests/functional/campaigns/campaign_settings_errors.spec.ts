import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import { DateTime } from 'luxon'
import Campaign from '#models/campaign'
import type User from '#models/user'
import { resetEngineClock, setEngineClock } from '#engine/clock'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'
import { campaignSettings, createCampaign } from '#tests/helpers/campaigns'
import { apiRequest, createTokenFor } from '#tests/helpers/api'

/** A settings form that saves as it is. */
const VALID = campaignSettings('Black Friday')

const NIGHTS = { days: [1, 2, 3, 4, 5], start: '21:00', end: '08:00' }

/** Saves a new campaign's settings as the page does, with the Inertia headers. */
function saveNew(client: ApiClient, user: User, changes: Record<string, unknown>) {
  return client
    .post('/campaigns')
    .json({ ...VALID, ...changes })
    .headers(INERTIA_HEADERS)
    .loginAs(user)
    .withCsrfToken()
    .redirects(0)
}

/** Returns the field errors a failed save flashed for the form, by field key. */
function fieldErrors(response: { flashMessages(): Record<string, unknown> }) {
  return (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
}

/** Signs up a tenant in São Paulo (UTC-3, no daylight saving time since 2019). */
async function saoPauloTenant() {
  const account = await createTenantWithOwner()
  account.tenant.timezone = 'America/Sao_Paulo'
  await account.tenant.save()
  return account
}

/** Rules between fields: the changed values, the field key of the error and its message. */
const CROSS_FIELD_CASES: ErrorCase[] = [
  {
    changes: { minIntervalSeconds: 120, maxIntervalSeconds: 30 },
    field: 'minIntervalSeconds',
    message:
      'The minimum interval (120 s) is longer than the maximum (30 s). ' +
      'Lower the minimum to 30 s or less, or raise the maximum.',
  },
  {
    changes: { pauseAfterSends: 50, pauseMinutes: null },
    field: 'pauseMinutes',
    message:
      'Fill in how many minutes to rest after every 50 sends, ' +
      'or clear “Rest after this many sends”.',
  },
  {
    changes: { pauseAfterSends: null, pauseMinutes: 1 },
    field: 'pauseAfterSends',
    message: 'Fill in after how many sends to rest for 1 minute, or clear “Rest for (minutes)”.',
  },
  {
    changes: { startMode: 'at', startsAtLocal: null },
    field: 'startsAtLocal',
    message: 'Choose the date and time to start, or choose “When I press Start”.',
  },
  {
    changes: { startMode: 'at', startsAtLocal: '2026-03-10T08:30' },
    field: 'startsAtLocal',
    message:
      '2026-03-10 08:30 has already passed (it is now 2026-03-10 09:00 in America/Sao_Paulo). ' +
      'Choose a later date and time, or start when you press Start.',
  },
  {
    changes: { quietHours: { mode: 'custom', window: null } },
    field: 'quietHours',
    message: "Choose the quiet days and hours, or use the workspace's quiet hours.",
  },
  {
    changes: { quietHours: { mode: 'custom', window: { ...NIGHTS, end: '21:00' } } },
    field: 'quietHours.window.end',
    message:
      'The quiet hours would start and end at 21:00, which blocks sending for 24 hours. ' +
      'Choose an end time other than 21:00.',
  },
]

/** Schema errors a member can make in the form: the changed values, the field key and its message. */
const SCHEMA_CASES: ErrorCase[] = [
  {
    changes: { dailyCapPerNumber: 0 },
    field: 'dailyCapPerNumber',
    message: 'Use 1 or more in the daily cap per number.',
  },
  {
    changes: { minIntervalSeconds: null },
    field: 'minIntervalSeconds',
    message: 'Fill in the minimum interval.',
  },
  {
    changes: { quietHours: { mode: 'custom', window: { ...NIGHTS, days: [] } } },
    field: 'quietHours.window.days',
    message: 'Pick at least 1 of the days.',
  },
  {
    changes: { variables: [{ name: '1coupon', value: 'BF25' }] },
    field: 'variables.0.name',
    message:
      'Start the variable name with a letter or _, then use only letters, digits and _, ' +
      'up to 60 characters.',
  },
  {
    changes: {
      variables: [
        { name: 'coupon', value: 'BF25' },
        { name: 'coupon', value: 'BF30' },
      ],
    },
    field: 'variables',
    message: 'Two variables have the same name. Rename or remove one of them.',
  },
]

/** A form save that must fail: the changed values, the field key of the error and its message. */
interface ErrorCase {
  changes: Record<string, unknown>
  field: string
  message: string
}

/** Saves each case as a new campaign and checks that its one error names its field, and that nothing was stored. */
async function assertEachNamesItsField(
  client: ApiClient,
  owner: User,
  tenantId: number,
  cases: ErrorCase[],
  assert: Assert
) {
  for (const { changes, field, message } of cases) {
    const response = await saveNew(client, owner, changes)
    response.assertStatus(302)
    const errors = fieldErrors(response)
    assert.deepEqual(Object.keys(errors), [field], JSON.stringify(changes))
    assert.deepEqual(errors[field], [message])
  }
  const campaigns = await runInTenant(tenantId, () => Campaign.query())
  assert.lengthOf(campaigns, 0)
}

test.group('Campaign settings errors', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())
  group.each.teardown(() => resetEngineClock())

  test('cross-field errors name their field', async ({ client, assert }) => {
    const { tenant, owner } = await saoPauloTenant()
    // 09:00:20 in São Paulo, so the minute in the message stays the same while the cases run.
    await setEngineClock(DateTime.fromISO('2026-03-10T12:00:20Z'))

    await assertEachNamesItsField(client, owner, tenant.id, CROSS_FIELD_CASES, assert)
  })

  test('schema errors name their field', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await assertEachNamesItsField(client, owner, tenant.id, SCHEMA_CASES, assert)
  })

  test('edit reports every broken rule', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const campaign = await createCampaign(tenant.id)
    const response = await client
      .put(`/campaigns/${campaign.id}`)
      .json({
        ...VALID,
        name: 'Renamed',
        minIntervalSeconds: 120,
        maxIntervalSeconds: 30,
        quietHours: { mode: 'custom', window: { ...NIGHTS, start: '22:00', end: '22:00' } },
      })
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(303)
    const errors = fieldErrors(response)
    assert.sameMembers(Object.keys(errors), ['minIntervalSeconds', 'quietHours.window.end'])
    assert.include(errors.minIntervalSeconds[0], 'maximum (30 s)')
    assert.include(errors['quietHours.window.end'][0], 'other than 22:00')
    const stored = await runInTenant(tenant.id, () => Campaign.findOrFail(campaign.id))
    assert.notEqual(stored.name, 'Renamed')
  })

  test('messages follow member language', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const response = await saveNew(client, owner, {
      minIntervalSeconds: 120,
      maxIntervalSeconds: 30,
      pauseAfterSends: 50,
      quietHours: { mode: 'custom', window: { ...NIGHTS, end: '21:00' } },
    })

    const errors = fieldErrors(response)
    assert.deepEqual(errors.minIntervalSeconds, [
      'O intervalo mínimo (120 s) é maior que o máximo (30 s). ' +
        'Reduza o mínimo para 30 s ou menos, ou aumente o máximo.',
    ])
    assert.deepEqual(errors.pauseMinutes, [
      'Preencha por quantos minutos descansar a cada 50 envios, ' +
        'ou apague “Descansar depois de tantos envios”.',
    ])
    assert.deepEqual(errors['quietHours.window.end'], [
      'O horário de silêncio começaria e terminaria às 21:00, ' +
        'o que bloqueia os envios por 24 horas. Escolha um horário final diferente de 21:00.',
    ])
  })

  test('limits formatted for the language', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const response = await saveNew(client, owner, { dailyCapPerNumber: 250_000 })
    assert.deepEqual(fieldErrors(response).dailyCapPerNumber, [
      'Use 100.000 ou menos no campo Limite diário por número.',
    ])

    owner.locale = 'en'
    await owner.save()
    const english = await saveNew(client, owner, { dailyCapPerNumber: 250_000 })
    assert.include(fieldErrors(english).dailyCapPerNumber[0], '100,000 or less')
  })

  test('api names the quiet hours end', async ({ client, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const { plain } = await createTokenFor(tenant.id, 'write')
    const response = await apiRequest(client, 'POST', '/api/v1/campaigns', plain, {
      name: 'Launch',
      quietHours: { ...NIGHTS, end: '21:00' },
    })
    assert.equal(response.status(), 422)
    assert.equal(response.body().errors[0].field, 'quietHours.end')
    assert.include(response.body().errors[0].message, 'other than 21:00')
  })
})

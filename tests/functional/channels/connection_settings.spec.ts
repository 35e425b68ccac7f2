import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import ChannelInstance from '#models/channel_instance'
import type User from '#models/user'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS } from '#tests/helpers/audience'

/** Posts the new-connection form as the connections page sends it. */
async function createSandbox(client: ApiClient, owner: User, config: Record<string, unknown>) {
  return client
    .post('/connections')
    .json({ name: 'Loja Centro', channel: 'sandbox', config })
    .loginAs(owner)
    .withCsrfToken()
    .redirects(0)
}

test.group('Connection settings', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('empty setting takes the default', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const response = await createSandbox(client, owner, { sentDelayMs: '', qrAttempts: 3 })
    response.assertStatus(302)
    assert.deepEqual(response.flashMessages().inputErrorsBag ?? {}, {})
    assert.equal(response.header('location'), '/connections')
    assert.notProperty(response.flashMessages().inputErrorsBag ?? {}, 'config.sentDelayMs')

    const instances = await runInTenant(tenant.id, () => ChannelInstance.all())
    assert.lengthOf(instances, 1)
    assert.notProperty(instances[0].config, 'sentDelayMs')
    assert.equal(instances[0].config.qrAttempts, 3)
  })

  test('out-of-range settings name value and range', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const response = await createSandbox(client, owner, {
      failurePercent: 150,
      sentDelayMs: -5,
      qrAttempts: 0,
    })
    response.assertStatus(302)
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.deepEqual(errors['config.failurePercent'], [
      '150 is outside the range of “Share of messages that fail (%)”. ' +
        'Enter a number from 0 to 100. Leave it empty to use the default, 0.',
    ])
    assert.deepEqual(errors['config.sentDelayMs'], [
      '-5 is outside the range of “Delay before the send is accepted (ms)”. ' +
        'Enter a number from 0 to 60,000. Leave it empty to use the default, 0.',
    ])
    assert.deepEqual(errors['config.qrAttempts'], [
      '0 is outside the range of “QR codes shown before pairing times out”. ' +
        'Enter a number from 1 to 50. Leave it empty to use the default, 5.',
    ])
    assert.lengthOf(await runInTenant(tenant.id, () => ChannelInstance.all()), 0)
  })

  test('settings errors follow the language', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const response = await createSandbox(client, owner, {
      readDelayMs: 'muito',
      failurePercent: 101,
    })
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.deepEqual(errors['config.readDelayMs'], [
      '“muito” não é um número. Digite um número de 0 a 3.600.000 em ' +
        '“Atraso até “lida” (ms)”. Deixe vazio para usar o padrão, 2.000.',
    ])
    assert.deepEqual(errors['config.failurePercent'], [
      '101 está fora do intervalo de “Parcela de mensagens que falham (%)”. ' +
        'Digite um número de 0 a 100. Deixe vazio para usar o padrão, 0.',
    ])
  })

  test('edit checks settings too', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await createSandbox(client, owner, {})
    const instance = await runInTenant(tenant.id, () => ChannelInstance.firstOrFail())
    const response = await client
      .put(`/connections/${instance.id}`)
      .json({ name: 'Loja Centro', config: { qrRefreshMs: 100 } })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    const errors = response.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.deepEqual(errors['config.qrRefreshMs'], [
      '100 is outside the range of “QR code lifetime (ms)”. ' +
        'Enter a number from 500 to 300,000. Leave it empty to use the default, 20,000.',
    ])
  })

  test('name and settings errors come together', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const created = await client
      .post('/connections')
      .json({ name: '', channel: 'sandbox', config: { failurePercent: 150 } })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    const createErrors = created.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.properties(createErrors, ['name', 'config.failurePercent'])

    await createSandbox(client, owner, {})
    const instance = await runInTenant(tenant.id, () => ChannelInstance.firstOrFail())
    const updated = await client
      .put(`/connections/${instance.id}`)
      .json({ name: '', config: { failurePercent: 150 } })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)
    const updateErrors = updated.flashMessages().inputErrorsBag as Record<string, string[]>
    assert.properties(updateErrors, ['name', 'config.failurePercent'])
  })

  test('edit form gets settings, managers only', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await createSandbox(client, owner, { failurePercent: 10 })
    const instance = await runInTenant(tenant.id, () => ChannelInstance.firstOrFail())
    const { user: viewer } = await addMember(tenant.id, 'viewer')

    const managed = await client.get('/connections').headers(INERTIA_HEADERS).loginAs(owner)
    assert.deepEqual(managed.body().props.settings[instance.id], {
      values: { failurePercent: 10 },
      storedSecrets: [],
    })
    const viewed = await client.get('/connections').headers(INERTIA_HEADERS).loginAs(viewer)
    assert.deepEqual(viewed.body().props.settings, {})
  })

  test('saving says when to reconnect', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await createSandbox(client, owner, {})
    const instance = await runInTenant(tenant.id, () => ChannelInstance.firstOrFail())
    const save = (body: object) =>
      client
        .put(`/connections/${instance.id}`)
        .json(body)
        .loginAs(owner)
        .withCsrfToken()
        .redirects(0)

    const renamed = await save({ name: 'Loja Norte' })
    assert.equal(renamed.flashMessages().success, '“Loja Norte” saved.')

    await runInTenant(tenant.id, async () => {
      instance.status = 'open'
      await instance.save()
    })
    const reconfigured = await save({ name: 'Loja Norte', config: { failurePercent: 5 } })
    assert.equal(
      reconfigured.flashMessages().success,
      '“Loja Norte” saved. Its session keeps the old settings until it connects again: ' +
        'Disconnect, then Connect.'
    )
  })
})

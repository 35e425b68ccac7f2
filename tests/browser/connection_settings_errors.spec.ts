import { test } from '@japa/runner'
import type { Page } from 'playwright'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

const setting = (page: Page, name: string) => page.locator(`[data-test-id="config-${name}"]`)

/** Opens the connections page with the sandbox channel chosen in the new-connection form. */
async function openSandboxForm(visit: (url: string) => Promise<Page>) {
  const page = await visit('/connections')
  await page.locator('[data-test-id="connection-channel"]').selectOption('sandbox')
  return page
}

/**
 * Fills a new sandbox connection with an emptied delay, a failure share of
 * 150 % and a negative delivery delay, then creates it.
 */
async function createWithBadSettings(page: Page) {
  await page.locator('[data-test-id="connection-name"]').fill('Loja Centro')
  await page.locator('[data-test-id="connection-settings"] summary').click()
  await setting(page, 'sentDelayMs').fill('500')
  await setting(page, 'sentDelayMs').fill('')
  await setting(page, 'failurePercent').fill('150')
  await setting(page, 'deliveredDelayMs').fill('-5')
  await page.locator('[data-test-id="connection-create"]').click()
}

test.group('Connection settings errors page', () => {
  test('settings errors show beside fields', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Connections')
    await browserContext.loginAs(owner)

    const page = await openSandboxForm(visit)
    assert.equal(await setting(page, 'sentDelayMs').getAttribute('placeholder'), 'Default: 0')
    assert.equal(await setting(page, 'qrRefreshMs').getAttribute('placeholder'), 'Default: 20,000')
    await createWithBadSettings(page)

    await assertMessageBeside(
      assert,
      setting(page, 'failurePercent'),
      page.locator('[data-test-id="error-config-failurePercent"]'),
      '150 is outside the range of “Share of messages that fail (%)”. ' +
        'Enter a number from 0 to 100. Leave it empty to use the default, 0.'
    )
    await assertMessageBeside(
      assert,
      setting(page, 'deliveredDelayMs'),
      page.locator('[data-test-id="error-config-deliveredDelayMs"]'),
      '-5 is outside the range of “Delay before “delivered” (ms)”. ' +
        'Enter a number from 0 to 600,000. Leave it empty to use the default, 500.'
    )
    assert.equal(await setting(page, 'sentDelayMs').getAttribute('aria-invalid'), 'false')
    assert.isFalse(await page.locator('[data-test-id="error-config-sentDelayMs"]').isVisible())
    assert.equal(await page.locator('[data-test-id="connection-name"]').inputValue(), 'Loja Centro')
    assert.equal(await setting(page, 'failurePercent').inputValue(), '150')
    await capture(page, 'connection-settings-errors-en')
    assert.lengthOf(await runInTenant(tenant.id, () => ChannelInstance.all()), 0)

    // Fixing both values creates the connection with the emptied delay at its default.
    await setting(page, 'failurePercent').fill('15')
    await setting(page, 'deliveredDelayMs').fill('')
    await page.locator('[data-test-id="connection-create"]').click()
    await page.locator('[data-test-id="connection-status"]').waitFor()
    const [created] = await runInTenant(tenant.id, () => ChannelInstance.all())
    assert.equal(created.name, 'Loja Centro')
    assert.equal(created.config.failurePercent, 15)
    assert.notProperty(created.config, 'sentDelayMs')
    assert.notProperty(created.config, 'deliveredDelayMs')
  }).timeout(60_000)

  test('settings errors in Portuguese', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Conexões')
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await openSandboxForm(visit)
    assert.equal(await setting(page, 'qrRefreshMs').getAttribute('placeholder'), 'Padrão: 20.000')
    await createWithBadSettings(page)
    await assertMessageBeside(
      assert,
      setting(page, 'failurePercent'),
      page.locator('[data-test-id="error-config-failurePercent"]'),
      '150 está fora do intervalo de “Parcela de mensagens que falham (%)”. ' +
        'Digite um número de 0 a 100. Deixe vazio para usar o padrão, 0.'
    )
    await capture(page, 'connection-settings-errors-pt-BR')
  }).timeout(60_000)

  test('text setting takes a secret key', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Keys')
    await browserContext.loginAs(owner)

    const page = await visit('/connections')
    await page.locator('[data-test-id="connection-channel"]').selectOption('fixture-loopback')
    await page.locator('[data-test-id="connection-name"]').fill('Loopback')
    await page.locator('[data-test-id="connection-settings"] summary').click()
    assert.equal(await setting(page, 'apiKey').getAttribute('type'), 'password')
    await setting(page, 'apiKey').fill('key-Abc-123')
    await page.locator('[data-test-id="connection-create"]').click()
    await page.locator('[data-test-id="connection-status"]').waitFor()

    const [created] = await runInTenant(tenant.id, () => ChannelInstance.all())
    assert.equal(created.config.apiKey, 'key-Abc-123')
  }).timeout(60_000)

  test('edited settings show errors, then save', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Connections')
    const instance = await runInTenant(tenant.id, () =>
      ChannelInstance.create({
        name: 'Loja Sul',
        channel: 'sandbox',
        config: { failurePercent: 10 },
        status: 'closed',
      })
    )
    await browserContext.loginAs(owner)

    const page = await visit('/connections')
    const card = page.locator(`[data-test-id="connection-${instance.id}"]`)
    await card.locator('[data-test-id="action-edit"]').click()
    const edit = card.locator('[data-test-id="connection-edit"]')
    const failures = edit.locator('[data-test-id="edit-' + instance.id + '-config-failurePercent"]')
    assert.equal(await edit.locator('[data-test-id="edit-name"]').inputValue(), 'Loja Sul')
    assert.equal(await failures.inputValue(), '10')

    await edit.locator('[data-test-id="edit-name"]').fill('')
    await failures.fill('150')
    await edit.locator('[data-test-id="edit-save"]').click()
    const error = edit.locator(`[data-test-id="edit-${instance.id}-error-config-failurePercent"]`)
    const nameError = edit.locator(`[data-test-id="edit-${instance.id}-error-name"]`)
    await nameError.waitFor()
    // The new-connection form below has a name field too, and keeps no error of this form.
    assert.equal(await page.locator('[data-test-id="error-connection-name"]').count(), 0)
    await assertMessageBeside(
      assert,
      failures,
      error,
      '150 is outside the range of “Share of messages that fail (%)”. ' +
        'Enter a number from 0 to 100. Leave it empty to use the default, 0.'
    )
    await capture(page, 'connection-edit-error-en')

    await failures.fill('25')
    assert.equal(await error.count(), 0)
    await edit.locator('[data-test-id="edit-name"]').fill('Loja Sul 2')
    await edit.locator('[data-test-id="edit-save"]').click()
    await page.locator('[data-test-id="flash-success"]').getByText('“Loja Sul 2” saved.').waitFor()
    assert.equal(await card.locator('[data-test-id="connection-edit"]').count(), 0)

    await instance.refresh()
    assert.equal(instance.name, 'Loja Sul 2')
    assert.equal(instance.config.failurePercent, 25)
  }).timeout(60_000)
})

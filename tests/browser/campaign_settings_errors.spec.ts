import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { Page } from 'playwright'
import Campaign from '#models/campaign'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { assertMessageBeside, capture } from '#tests/helpers/browser_pages'

/** Expected messages of the two broken rules, in each language. */
const MESSAGES = {
  'en': {
    interval:
      'The minimum interval (120 s) is longer than the maximum (30 s). ' +
      'Lower the minimum to 30 s or less, or raise the maximum.',
    quiet:
      'The quiet hours would start and end at 21:00, which blocks sending for 24 hours. ' +
      'Choose an end time other than 21:00.',
    summary: 'The campaign was not saved. Fix the 2 fields marked below.',
  },
  'pt-BR': {
    interval:
      'O intervalo mínimo (120 s) é maior que o máximo (30 s). ' +
      'Reduza o mínimo para 30 s ou menos, ou aumente o máximo.',
    quiet:
      'O horário de silêncio começaria e terminaria às 21:00, o que bloqueia os envios ' +
      'por 24 horas. Escolha um horário final diferente de 21:00.',
    summary: 'A campanha não foi salva. Corrija os 2 campos marcados abaixo.',
  },
}

/**
 * Fills a new campaign whose minimum interval is above its maximum and
 * whose own quiet hours start and end at the same time, then saves it.
 */
async function saveBrokenSettings(page: Page) {
  await page.locator('[data-test-id="field-name"]').fill('Promo de sábado')
  await page.locator('[data-test-id="field-min-interval"]').fill('120')
  await page.locator('[data-test-id="field-max-interval"]').fill('30')
  await page.locator('[data-test-id="quiet-mode-custom"]').check()
  await page.locator('[data-test-id="field-quiet-start"]').fill('21:00')
  await page.locator('[data-test-id="field-quiet-end"]').fill('21:00')
  await page.locator('[data-test-id="campaign-save"]').click()
}

/** Checks every message of a failed save, the focus and the values typed before it. */
async function assertErrorsShown(assert: Assert, page: Page, language: keyof typeof MESSAGES) {
  const expected = MESSAGES[language]
  const minimum = page.locator('[data-test-id="field-min-interval"]')
  const quietEnd = page.locator('[data-test-id="field-quiet-end"]')
  await assertMessageBeside(
    assert,
    minimum,
    page.locator('[data-test-id="error-minIntervalSeconds"]'),
    expected.interval
  )
  await assertMessageBeside(
    assert,
    quietEnd,
    page.locator('[data-test-id="error-quietHours-window-end"]'),
    expected.quiet
  )

  const summary = page.locator('[data-test-id="settings-errors"]')
  assert.include(await summary.innerText(), expected.summary)
  assert.include(await summary.innerText(), expected.interval)
  assert.include(await summary.innerText(), expected.quiet)

  await page.waitForFunction(
    () => document.activeElement?.getAttribute('data-test-id') === 'field-min-interval'
  )
  assert.isTrue(await minimum.isVisible())
  assert.equal(
    await page.locator('[data-test-id="field-max-interval"]').getAttribute('aria-invalid'),
    null
  )

  assert.equal(await page.locator('[data-test-id="field-name"]').inputValue(), 'Promo de sábado')
  assert.equal(await minimum.inputValue(), '120')
  assert.equal(await page.locator('[data-test-id="field-max-interval"]').inputValue(), '30')
  assert.equal(await page.locator('[data-test-id="field-quiet-start"]').inputValue(), '21:00')
  assert.equal(await quietEnd.inputValue(), '21:00')
}

/**
 * A member saves campaign settings that break two rules between fields.
 * Each message shows below the field to change, in the member's language,
 * and the form keeps what the member typed.
 */
test.group('Campaign settings errors page', () => {
  test('errors show beside their fields', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Errors')
    await browserContext.loginAs(owner)

    const page = await visit('/campaigns/new')
    await saveBrokenSettings(page)
    await assertErrorsShown(assert, page, 'en')
    await capture(page, 'campaign-settings-errors-en')

    await page.locator('[data-test-id="profile-link"]').click()
    await page.waitForURL((url) => url.pathname === '/profile', { waitUntil: 'commit' })
    await page.locator('[data-test-id="locale-select"]').selectOption('pt-BR')
    await page.locator('[data-test-id="locale-save"]').click()
    await page.assertTextContains('[data-test-id="main-nav"]', 'Campanhas')

    const portuguese = await visit('/campaigns/new')
    await saveBrokenSettings(portuguese)
    await assertErrorsShown(assert, portuguese, 'pt-BR')
    await capture(portuguese, 'campaign-settings-errors-pt-BR')

    // Raising the maximum can fix the interval rule, so it clears the message on the minimum.
    await portuguese.locator('[data-test-id="field-max-interval"]').fill('300')
    await portuguese
      .locator('[data-test-id="error-minIntervalSeconds"]')
      .waitFor({ state: 'detached' })
    const minimum = portuguese.locator('[data-test-id="field-min-interval"]')
    assert.isNull(await minimum.getAttribute('aria-invalid'))
    assert.isTrue(
      await portuguese.locator('[data-test-id="error-quietHours-window-end"]').isVisible()
    )

    const campaigns = await runInTenant(tenant.id, () => Campaign.query())
    assert.lengthOf(campaigns, 0)
  }).timeout(60_000)
})

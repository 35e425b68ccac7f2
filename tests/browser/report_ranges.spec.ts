import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { seedCampaignTraffic } from '#tests/helpers/reports'
import { capture } from '#tests/helpers/browser_pages'

/** Today's date in `timeZone`, as `yyyy-MM-dd`. */
function todayIn(timeZone: string) {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date())
}

/**
 * A member narrows a campaign's report to a range of days with a quick
 * choice and with typed days, shares the URL, and reads the errors of a
 * wrong range beside its fields, in both languages.
 */
test.group('Report ranges page', () => {
  test('choosing a range', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Ranges')
    tenant.timezone = 'America/Sao_Paulo'
    await tenant.save()
    const { campaign } = await seedCampaignTraffic(tenant.id, ['read', 'replied', 'failed'])
    await browserContext.loginAs(owner)
    const path = `/plugins/reports/campaigns/${campaign.id}`
    const today = todayIn('America/Sao_Paulo')

    const page = await visit(path)
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.assertTextContains('[data-test-id="range-summary"]', 'Showing every day counted.')
    await page.assertText('[data-test-id="funnel-sent"]', '2')

    await page.locator('[data-test-id="range-last_7_days"]').click()
    await page.waitForURL((url) => url.searchParams.get('to') === today)
    await page.assertTextContains('[data-test-id="range-summary"]', 'Brasilia')
    await page.assertText('[data-test-id="funnel-sent"]', '2')
    await page.assertTextContains('[data-test-id="funnel-enrolled-unfiltered"]', 'Enrolled')
    assert.equal(await page.locator('[data-test-id="funnel-enrolled"]').count(), 0)
    await page.assertText('[data-test-id="report-failures-E_NOT_ON_WHATSAPP"] td.number', '1')
    assert.notInclude(
      await page.locator('[data-test-id="report-failures-section"]').innerText(),
      'not filtered'
    )
    const exportHref = await page.locator('[data-test-id="export-daily"]').getAttribute('href')
    assert.include(exportHref, `to=${today}`)
    await capture(page, 'report-range-1280')

    await page.locator('[data-test-id="range-from"]').fill('2020-01-01')
    await page.locator('[data-test-id="range-to"]').fill('2020-01-31')
    await page.locator('[data-test-id="range-apply"]').click()
    await page.waitForURL((url) => url.search === '?from=2020-01-01&to=2020-01-31')
    await page.assertText('[data-test-id="funnel-sent"]', '0')
    await page.assertTextContains('[data-test-id="range-summary"]', 'Jan 1, 2020 to Jan 31, 2020')
    await page.assertText(
      '[data-test-id="report-failures-empty"]',
      'No message of this campaign failed in these days.'
    )

    const shared = await browserContext.newPage()
    await shared.goto(page.url())
    await shared.locator('[data-test-id="funnel-sent"]').waitFor()
    await shared.assertText('[data-test-id="funnel-sent"]', '0')
    assert.equal(await shared.locator('[data-test-id="range-from"]').inputValue(), '2020-01-01')
    await shared.close()

    await page.locator('[data-test-id="range-whole"]').click()
    await page.waitForURL((url) => url.search === '')
    await page.assertText('[data-test-id="funnel-sent"]', '2')

    owner.locale = 'pt-BR'
    await owner.save()
    await page.goto(`${path}?from=${today}&to=${today}`)
    await page.assertTextContains(
      '[data-test-id="report-failures-E_NOT_ON_WHATSAPP"]',
      'O número não está no WhatsApp.'
    )
    await capture(page, 'report-range-campaign-pt-1280')
    await page.goto(`${path}?from=2020-01-01&to=2020-01-31`)
    await page.assertTextContains(
      '[data-test-id="range-summary"]',
      '1 de jan. de 2020 a 31 de jan. de 2020'
    )
  })

  test('range errors in both languages', async ({ visit, browserContext }) => {
    const { tenant, owner } = await createTenantWithOwner('Range errors')
    const { campaign } = await seedCampaignTraffic(tenant.id, ['read'])
    await browserContext.loginAs(owner)
    const path = `/plugins/reports/campaigns/${campaign.id}`

    const page = await visit(path)
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('[data-test-id="range-from"]').fill('2025-03-10')
    await page.locator('[data-test-id="range-to"]').fill('2025-03-01')
    await page.locator('[data-test-id="range-apply"]').click()
    await page.assertText(
      '[data-test-id="range-to-error"]',
      'The last day must be on or after the first day.'
    )
    await page.assertTextContains('[data-test-id="range-summary"]', 'These dates are not valid')
    await page.assertText('[data-test-id="funnel-sent"]', '1')
    await capture(page, 'report-range-errors-390')

    owner.locale = 'pt-BR'
    await owner.save()
    await page.goto(`${path}?from=2025-02-30&to=2025-03-01`)
    await page.assertText(
      '[data-test-id="range-from-error"]',
      'Este dia não existe. Informe uma data como 2025-03-31.'
    )
    await page.goto('/plugins/reports/campaigns?from=2024-01-01&to=2025-06-01')
    await page.assertText('[data-test-id="range-to-error"]', 'Escolha no máximo 366 dias.')
    await page.locator('[data-test-id="range-this_month"]').click()
    await page.waitForURL((url) => url.searchParams.has('from'))
    await page.assertTextContains('[data-test-id="range-summary"]', 'Mostrando de')
    await capture(page, 'report-range-pt-390')
    await page.setViewportSize({ width: 1280, height: 900 })
    await capture(page, 'report-range-pt-1280')
  })
})

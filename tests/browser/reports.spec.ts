import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { emitStepFailure, seedCampaignTraffic, type RecipientFate } from '#tests/helpers/reports'
import { capture, sentBarPixels } from '#tests/helpers/browser_pages'

const FATES: RecipientFate[] = [
  ...Array<RecipientFate>(6).fill('read'),
  ...Array<RecipientFate>(3).fill('delivered'),
  'sent',
  'replied',
  'replied',
  'failed',
  'opted_out',
]

/**
 * A member opens a campaign's report from the navigation, sees the funnel
 * drawn from the counters, and reads it again in Portuguese.
 */
test.group('Reports page', () => {
  test('campaign funnel in both languages', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign, instance } = await seedCampaignTraffic(tenant.id, FATES)
    // One more contact's send step failed before its message existed.
    await emitStepFailure(campaign, instance.id)
    await browserContext.loginAs(owner)

    const page = await visit('/')
    await page.locator('[data-test-id="main-nav"] a[href="/reports"]').click()
    await page.waitForURL((url) => url.pathname === '/plugins/reports/campaigns', {
      waitUntil: 'commit',
    })
    await page.locator(`[data-test-id="report-campaign-${campaign.id}"]`).click()
    await page.waitForURL((url) => url.pathname === `/plugins/reports/campaigns/${campaign.id}`, {
      waitUntil: 'commit',
    })

    await page.assertTextContains('[data-test-id="report-title"]', campaign.name)
    await page.assertText('[data-test-id="funnel-enrolled"]', '14')
    await page.assertText('[data-test-id="funnel-sent"]', '13')
    await page.assertText('[data-test-id="funnel-replied"]', '2')
    await page.assertText('[data-test-id="funnel-failed"]', '2')
    await page.assertText('[data-test-id="funnel-opted_out"]', '1')
    await page.assertTextContains(
      '[data-test-id="report-failures-E_TEMPLATE_RENDER"]',
      'the message could not be filled in for the contact'
    )
    await page.assertTextContains(
      '[data-test-id="report-failures-E_NOT_ON_WHATSAPP"]',
      'The number is not on WhatsApp.'
    )
    await page.assertTextContains('[data-test-id="contacts-reached"]', '13')
    await page.assertTextContains(
      '[data-test-id="contacts-replied"]',
      '15.4% of the contacts reached'
    )
    const funnelSentPixels = await sentBarPixels(page, '[data-test-id="funnel-chart"]')
    await page.locator('[data-test-id="volume-hour"]').click()
    const volumeSentPixels = await sentBarPixels(page, '[data-test-id="volume-chart"]')

    await capture(page, 'report-en')

    await page.goto('/profile')
    await page.locator('[data-test-id="locale-select"]').selectOption('pt-BR')
    await page.locator('[data-test-id="locale-save"]').click()
    await page.assertTextContains('[data-test-id="main-nav"]', 'Relatórios')
    await page.goto(`/plugins/reports/campaigns/${campaign.id}`)
    await page.assertText('[data-test-id="funnel-heading"]', 'Funil de entrega')
    await page.assertTextContains('[data-test-id="funnel"]', 'Entregues')
    await page.assertTextContains('[data-test-id="volume-day"]', 'Por dia')
    await page.assertText('[data-test-id="funnel-sent"]', '13')
    await page.assertTextContains('[data-test-id="contacts-replied"]', 'dos contatos alcançados')
    await page.assertTextContains(
      '[data-test-id="report-failures-E_TEMPLATE_RENDER"]',
      'a mensagem não pôde ser preenchida para o contato'
    )
    await capture(page, 'report-pt')

    assert.isAbove(funnelSentPixels, 100)
    assert.isAbove(volumeSentPixels, 20)
    assert.isAbove(await sentBarPixels(page, '[data-test-id="funnel-chart"]'), 100)
  })
})

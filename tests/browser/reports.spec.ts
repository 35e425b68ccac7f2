import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { seedCampaignTraffic, type RecipientFate } from '#tests/helpers/reports'

const FATES: RecipientFate[] = [
  ...Array<RecipientFate>(6).fill('read'),
  ...Array<RecipientFate>(3).fill('delivered'),
  'sent',
  'replied',
  'replied',
  'failed',
  'opted_out',
]

/** The charts' colour of the "sent" stage, #128c7e, as RGB. */
const SENT_COLOUR = [0x12, 0x8c, 0x7e]

/**
 * Waits for the chart inside `selector` and returns how many of its canvas
 * pixels have the "sent" bars' colour: 0 when the chart drew axes but no data.
 */
async function sentBarPixels(page: { locator(selector: string): any }, selector: string) {
  const canvas = page.locator(`${selector} canvas`)
  await canvas.waitFor()
  return canvas.evaluate((element: any, colour: number[]) => {
    const { data } = element.getContext('2d').getImageData(0, 0, element.width, element.height)
    let matching = 0
    for (let index = 0; index < data.length; index += 4) {
      const close = [0, 1, 2].every(
        (channel) => Math.abs(data[index + channel] - colour[channel]) < 8
      )
      if (close && data[index + 3] > 200) matching++
    }
    return matching
  }, SENT_COLOUR)
}

/**
 * Saves a full-page screenshot when SCREENSHOT_DIR is set, to review the
 * page by eye.
 */
async function capture(page: { screenshot(options: object): Promise<unknown> }, name: string) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true })
  }
}

/**
 * A member opens a campaign's report from the navigation, sees the funnel
 * drawn from the counters, and reads it again in Portuguese.
 */
test.group('Reports page', () => {
  test('campaign funnel in both languages', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Reports')
    const { campaign } = await seedCampaignTraffic(tenant.id, FATES)
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
    await page.assertText('[data-test-id="funnel-failed"]', '1')
    await page.assertText('[data-test-id="funnel-opted_out"]', '1')
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
    await capture(page, 'report-pt')

    assert.isAbove(funnelSentPixels, 100)
    assert.isAbove(volumeSentPixels, 20)
    assert.isAbove(await sentBarPixels(page, '[data-test-id="funnel-chart"]'), 100)
  })
})

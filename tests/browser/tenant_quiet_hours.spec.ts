import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'

/** Saves a full-page screenshot when SCREENSHOT_DIR is set, to review the page by eye. */
async function capture(page: { screenshot(options: object): Promise<unknown> }, name: string) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true })
  }
}

/**
 * An owner sets the workspace's quiet hours from the settings, then a new
 * campaign's form shows them as its default and starts its own window
 * from them.
 */
test.group('Tenant quiet hours page', () => {
  test('new campaign inherits them', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Quiet')
    await browserContext.loginAs(owner)

    const page = await visit('/settings/members')
    await page.locator('[data-test-id="quiet-hours-link"]').click()
    await page.waitForURL((url) => url.pathname === '/settings/quiet-hours', {
      waitUntil: 'commit',
    })
    await page.locator('[data-test-id="quiet-hours-enabled"]').check()
    await page.locator('[data-test-id="quiet-day-7"]').uncheck()
    await page.locator('[data-test-id="quiet-start"]').fill('22:00')
    await page.locator('[data-test-id="quiet-end"]').fill('07:30')
    await page.locator('input[type="radio"][value="tenant"]').check()
    await page.locator('[data-test-id="quiet-hours-save"]').click()
    await page.assertTextContains('body', 'Quiet hours saved.')
    await capture(page, 'quiet-hours-en')

    await tenant.refresh()
    assert.deepEqual(tenant.quietHours, {
      days: [1, 2, 3, 4, 5, 6],
      start: '22:00',
      end: '07:30',
      basis: 'tenant',
    })

    const form = await visit('/campaigns/new')
    await form.assertTextContains('[data-test-id="tenant-quiet-hours"]', '22:00 to 07:30')
    await form.assertTextContains('[data-test-id="tenant-quiet-hours"]', 'Mon, Tue')
    await form.locator('[data-test-id="quiet-mode-custom"]').check()
    const start = form.locator('.flow-window input[type="time"]').first()
    assert.equal(await start.inputValue(), '22:00')
    await capture(form, 'campaign-quiet-hours-en')

    owner.locale = 'pt-BR'
    await owner.save()
    const portuguese = await visit('/settings/quiet-hours')
    await portuguese.assertTextContains('h1', 'Horário de silêncio')
    await capture(portuguese, 'quiet-hours-pt-BR')
  }).timeout(60_000)
})

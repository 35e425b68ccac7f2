import { test } from '@japa/runner'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'

const SETTINGS_PAGES = [
  '/settings/members',
  '/settings/workspace',
  '/settings/quiet-hours',
  '/settings/api-tokens',
  '/settings/plugins',
]

/**
 * Every settings page links to every other one, the plugins page included,
 * and marks the page being shown.
 */
test.group('Settings navigation', () => {
  test('every settings page links the others', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Settings')
    await browserContext.loginAs(owner)

    for (const path of SETTINGS_PAGES) {
      const page = await visit(path)
      const nav = page.locator('[data-test-id="settings-nav"]')
      await nav.waitFor()
      const links = await nav
        .locator('a')
        .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')))
      assert.deepEqual(links, SETTINGS_PAGES, path)
      const current = nav.locator('a[aria-current="page"]')
      assert.equal(await current.getAttribute('href'), path, path)
      // Each open page keeps an event stream, and Chromium opens at most six connections per host.
      await page.close()
    }

    const page = await visit('/settings/api-tokens')
    await page.locator('[data-test-id="settings-nav"]').waitFor()
    await page.locator('[data-test-id="plugins-link"]').click()
    await page.locator('h1', { hasText: 'Plugins' }).waitFor()
    assert.equal(new URL(page.url()).pathname, '/settings/plugins')
    assert.equal(await page.locator('h1').innerText(), 'Plugins')

    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(200)
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
    }))
    assert.isAtMost(widths.page, widths.window, 'the settings pages are wider than a phone')
    await capture(page, 'settings-nav-phone')
  }).timeout(60_000)

  test('viewer sees no token tab', async ({ visit, browserContext, assert }) => {
    const { tenant } = await createTenantWithOwner('Settings')
    const { user } = await addMember(tenant.id, 'viewer')
    await browserContext.loginAs(user)

    const page = await visit('/settings/quiet-hours')
    const nav = page.locator('[data-test-id="settings-nav"]')
    await nav.waitFor()
    assert.equal(await nav.locator('[data-test-id="api-tokens-link"]').count(), 0)
    assert.equal(await nav.locator('[data-test-id="plugins-link"]').count(), 1)
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'

/** A phone's window, in CSS pixels. */
const PHONE = { width: 390, height: 844 }

/** Returns the page's full width and the window's, in CSS pixels. */
function pageWidths(page: Page) {
  return page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
  }))
}

/**
 * A member on a phone: the navigation folds behind the menu button, opens
 * over the page and closes once a section is picked, and pages fit the window.
 */
test.group('Narrow screen', () => {
  test('menu folds and pages fit', async ({ browserContext, visit, assert }) => {
    const { owner } = await createTenantWithOwner('Phone')
    await browserContext.loginAs(owner)

    const page = await visit('/')
    await page.setViewportSize(PHONE)
    const sidebar = page.locator('#main-sidebar')
    const menu = page.locator('[data-test-id="menu-button"]')
    await page.waitForTimeout(200)
    assert.isAtMost((await sidebar.boundingBox())!.x + (await sidebar.boundingBox())!.width, 1)
    assert.equal(await menu.getAttribute('aria-expanded'), 'false')

    await menu.click()
    await page.waitForTimeout(200)
    assert.equal((await sidebar.boundingBox())!.x, 0)
    assert.equal(await menu.getAttribute('aria-expanded'), 'true')
    await capture(page, 'narrow-menu')
    await page.locator('[data-test-id="main-nav"] a[href="/campaigns"]').click()
    await page.waitForURL((url) => url.pathname === '/campaigns', { waitUntil: 'commit' })
    await page.waitForTimeout(200)
    assert.equal(await menu.getAttribute('aria-expanded'), 'false')

    for (const path of [
      '/',
      '/campaigns',
      '/contacts',
      '/connections',
      '/inbox',
      '/campaigns/new',
    ]) {
      await page.goto(path)
      await page.waitForLoadState('networkidle')
      const widths = await pageWidths(page)
      assert.isAtMost(widths.page, widths.window, `${path} is wider than the window`)
    }
    await capture(page, 'narrow-settings')
  }).timeout(60_000)

  test('long connection name keeps its status', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Phone')
    await runInTenant(tenant.id, () =>
      createInstance({ name: 'Loja Centro Atendimento Principal Ipiranga', channel: 'sandbox' })
    )
    await browserContext.loginAs(owner)

    const page = await visit('/connections')
    await page.setViewportSize(PHONE)
    const status = page.locator('[data-test-id="connection-status"]')
    await status.waitFor()
    const widths = await status.evaluate((element) => ({
      content: element.scrollWidth,
      shown: element.clientWidth,
    }))
    assert.isAtMost(widths.content, widths.shown, 'the status is cut')
    await capture(page, 'narrow-connection-status')
  }).timeout(60_000)

  test('segment rules fit in Portuguese', async ({ browserContext, visit, assert }) => {
    const { owner } = await createTenantWithOwner('Phone')
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    await page.setViewportSize(PHONE)
    await page.locator('[data-test-id="add-rule"]').click()
    await page.locator('[data-test-id="add-group"]').click()
    await page.locator('.rule-row select').first().selectOption('replied')
    await page.waitForLoadState('networkidle')

    const widths = await pageWidths(page)
    assert.isAtMost(widths.page, widths.window, 'the segment form is wider than the window')
    await capture(page, 'narrow-segment-rules')
  }).timeout(60_000)
})

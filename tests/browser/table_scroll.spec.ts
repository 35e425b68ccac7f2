import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import { seedCampaignTraffic, type RecipientFate } from '#tests/helpers/reports'

const FATES: RecipientFate[] = ['read', 'read', 'delivered', 'sent', 'replied', 'failed']

/**
 * Describes the box that scrolls `selector` sideways, its own box or its
 * nearest ancestor that scrolls: whether its content is wider than it,
 * whether it shows edge shadows, and its right edge.
 */
function scrollBox(page: Page, selector: string) {
  return page.locator(selector).evaluate((table) => {
    let box: HTMLElement | null = table as HTMLElement
    while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) {
      box = box.parentElement
    }
    const element = box ?? (table as HTMLElement)
    return {
      overflows: element.scrollWidth > element.clientWidth + 1,
      shadows: getComputedStyle(element).backgroundImage.includes('radial-gradient'),
      right: element.getBoundingClientRect().right,
    }
  })
}

/** Lists the first elements past the window's right edge, or returns '' when the page fits. */
async function pageOverflows(page: Page) {
  // Charts redraw at the new width on the next resize event.
  await page.waitForTimeout(500)
  return page.evaluate(() => {
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((element) => `${element.tagName}.${element.className}`)
    return document.documentElement.scrollWidth > window.innerWidth ? wide.join(', ') : ''
  })
}

/** Wide tables stay within the page and show that they scroll when they cannot fit. */
test.group('Table scrolling', () => {
  test('report tables on a phone and a laptop', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Tables')
    owner.locale = 'pt-BR'
    await owner.save()
    const { campaign } = await seedCampaignTraffic(tenant.id, FATES)
    await browserContext.loginAs(owner)

    const page = await visit(`/plugins/reports/campaigns/${campaign.id}`)
    await page.locator('[data-test-id="funnel"] table').waitFor()

    await page.setViewportSize({ width: 390, height: 844 })
    assert.equal(await pageOverflows(page), '', 'the page scrolls sideways at 390 px')
    const funnel = await scrollBox(page, '[data-test-id="funnel"] table')
    assert.isTrue(!funnel.overflows || funnel.shadows, 'the funnel scrolls without a sign')
    assert.isAtMost(funnel.right, 390)
    await capture(page, 'report-tables-390')

    await page.setViewportSize({ width: 1280, height: 900 })
    assert.equal(await pageOverflows(page), '', 'the page scrolls sideways at 1280 px')
    const nodes = await scrollBox(page, '[data-test-id="report-nodes"]')
    assert.isTrue(!nodes.overflows || nodes.shadows, 'the step table scrolls without a sign')
    const lastHeader = await page
      .locator('[data-test-id="report-nodes"] th')
      .last()
      .evaluate((cell) => cell.getBoundingClientRect().right)
    assert.isAtMost(lastHeader, 1280, 'the last column of the step table is cut')
    await capture(page, 'report-tables-1280')
  }).timeout(60_000)

  test('plugins table on a phone', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Tables')
    await browserContext.loginAs(owner)

    const page = await visit('/settings/plugins')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('[data-test-id="plugins-table"]').waitFor()
    assert.equal(await pageOverflows(page), '', 'the page scrolls sideways at 390 px')
    const table = await scrollBox(page, '[data-test-id="plugins-table"]')
    assert.isTrue(!table.overflows || table.shadows, 'the plugins table scrolls without a sign')
    const toggle = page.locator('[data-test-id="plugin-toggle-webhooks"]')
    const box = (await toggle.boundingBox())!
    assert.isAtMost(box.x + box.width, 390, 'the Enable/Disable button is cut')
    await capture(page, 'plugins-table-390')
  })
})

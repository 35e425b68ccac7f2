import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'

/** The page assertions every browser test relies on must fail on a page that does not match. */
test.group('Page assertions', () => {
  test('fail for an element that never appears', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Assertions')
    await browserContext.loginAs(owner)
    const page = await visit('/')
    const missing = '[data-test-id="no-such-element"]'

    await assert.rejects(() => page.assertTextContains(missing, 'anything'))
    await assert.rejects(() => page.assertText(missing, 'anything'))
    await assert.rejects(() => page.assertExists(missing))
    await page.assertNotExists(missing)
  }).timeout(60_000)

  test('fail for text that does not match', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Assertions')
    await browserContext.loginAs(owner)
    const page = await visit('/')
    const nav = '[data-test-id="main-nav"]'

    await page.assertTextContains(nav, 'Campaigns')
    await page.assertExists(nav)
    await assert.rejects(() => page.assertTextContains(nav, 'Not a menu entry'))
    await assert.rejects(() => page.assertNotExists(nav))
  }).timeout(60_000)
})

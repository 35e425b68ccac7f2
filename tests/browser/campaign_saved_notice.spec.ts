import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { Page } from 'playwright'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createCampaign } from '#tests/helpers/campaigns'

/** Checks that `selector` lies wholly inside the window as the page is scrolled now. */
async function assertInView(assert: Assert, page: Page, selector: string) {
  const box = (await page.locator(selector).boundingBox())!
  const height = page.viewportSize()!.height
  assert.isAtLeast(box.y, 0, 'the message starts below the top of the window')
  assert.isAtMost(box.y + box.height, height, 'the message ends above the bottom of the window')
}

/** Saves a screenshot of the window as scrolled now when SCREENSHOT_DIR is set. */
async function captureWindow(page: Page, name: string) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png` })
  }
}

/** Saves an existing campaign's settings from the bottom of its page. */
async function saveFromBottom(page: Page) {
  await page.locator('[data-test-id="campaign-save"]').scrollIntoViewIfNeeded()
  await page.locator('[data-test-id="campaign-save"]').click()
  await page.locator('[data-test-id="flash-success"]').waitFor()
}

test.group('Campaign saved notice page', () => {
  test('saved message shows at the bottom', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Campaigns')
    const campaign = await createCampaign(tenant.id, { name: 'Promo de sábado' })
    await browserContext.loginAs(owner)

    const page = await visit(`/campaigns/${campaign.id}`)
    await saveFromBottom(page)

    assert.isAbove(await page.evaluate(() => window.scrollY), 0, 'the page keeps its scroll')
    assert.include(
      await page.locator('[data-test-id="flash-success"]').innerText(),
      'Campaign saved.'
    )
    await assertInView(assert, page, '[data-test-id="flash-success"]')
    await captureWindow(page, 'campaign-saved-en')

    await page.locator('[data-test-id="flash-close"]').click()
    await page.locator('[data-test-id="flash-success"]').waitFor({ state: 'detached' })
    await saveFromBottom(page)
    await assertInView(assert, page, '[data-test-id="flash-success"]')
  }).timeout(60_000)

  test('saved message in Portuguese', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Campanhas')
    owner.locale = 'pt-BR'
    await owner.save()
    const campaign = await createCampaign(tenant.id, { name: 'Promo de sábado' })
    await browserContext.loginAs(owner)

    const page = await visit(`/campaigns/${campaign.id}`)
    await saveFromBottom(page)

    assert.include(
      await page.locator('[data-test-id="flash-success"]').innerText(),
      'Campanha salva.'
    )
    await assertInView(assert, page, '[data-test-id="flash-success"]')
    const close = page.locator('[data-test-id="flash-close"]')
    assert.equal(await close.getAttribute('aria-label'), 'Fechar esta mensagem')
    await captureWindow(page, 'campaign-saved-pt-BR')
  }).timeout(60_000)
})

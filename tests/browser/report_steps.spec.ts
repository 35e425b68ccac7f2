import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import {
  STEP_ORDER,
  UNREACHED_ORDER,
  seedStepCounters,
  seedUnreachedSteps,
} from '#tests/helpers/reports'

/** Lists the cells of the step table whose text is wider than the cell shows. */
function cutCells(page: Page) {
  return page.locator('[data-test-id="report-nodes"]').evaluate((table) =>
    Array.from(table.querySelectorAll('th, td, li > span'))
      .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
      .map((cell) => (cell as HTMLElement).innerText)
  )
}

/**
 * Checks that the step table fits its card or scrolls inside it: the box
 * that scrolls ends within the card, and scrolling it to the end shows the
 * last heading whole.
 */
async function assertFitsCard(page: Page, assert: { isAtMost: Function; deepEqual: Function }) {
  const edges = await page.locator('[data-test-id="report-nodes"]').evaluate((table) => {
    const scroller = table.parentElement!
    const card = table.closest('.report-section')!
    scroller.scrollLeft = scroller.scrollWidth
    const last = table.querySelector('thead th:last-child')!
    return {
      scroller: scroller.getBoundingClientRect().right,
      card: card.getBoundingClientRect().right,
      last: last.getBoundingClientRect().right,
      overflowX: getComputedStyle(scroller).overflowX,
    }
  })
  assert.isAtMost(edges.scroller, edges.card, 'the step table runs past its card')
  assert.isAtMost(edges.last, edges.scroller + 1, 'the last column stays hidden')
  assert.deepEqual(await cutCells(page), [], 'cells of the step table cut their text')
}

/**
 * A member reads the per-step table of a campaign: steps in flow order
 * under the editor's names, every exit of a step with its count, and the
 * whole table readable on a laptop and a phone, in both languages.
 */
test.group('Report steps page', () => {
  test('steps with their exits', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Report steps')
    const campaign = await seedStepCounters(tenant.id, owner.id)
    await browserContext.loginAs(owner)

    const page = await visit(`/plugins/reports/campaigns/${campaign.id}`)
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.locator('[data-test-id="report-nodes"]').waitFor()
    const rows = page.locator('[data-test-id="report-nodes"] tbody tr')
    const ids = await rows.evaluateAll((cells) => cells.map((row) => row.dataset.testId))
    assert.deepEqual(
      ids,
      STEP_ORDER.map((id) => `report-nodes-${id}`)
    )
    await page.assertText('[data-test-id="report-nodes-later"] td:first-child', 'Wait · 20 seconds')
    const exit = (port: string) => `[data-test-id="report-exits-branch-${port}"]`
    await page.assertTextContains(exit('sim'), 'SIM')
    await page.assertTextContains(exit('sim'), '2')
    await page.assertTextContains(exit('nao'), 'NÃO')
    await page.assertTextContains(exit('nao'), '0')
    await page.assertTextContains(exit('any'), 'Any other reply')
    await page.assertTextContains(exit('no_reply'), 'No reply')
    await page.assertTextContains(exit('no_reply'), '1')
    await page.assertTextContains('[data-test-id="report-exits-later-next"]', '6')
    await assertFitsCard(page, assert)
    await page.locator('[data-test-id="report-nodes"]').scrollIntoViewIfNeeded()
    await capture(page, 'report-steps-en-1280')

    await page.goto('/profile')
    await page.locator('[data-test-id="locale-select"]').selectOption('pt-BR')
    await page.locator('[data-test-id="locale-save"]').click()
    await page.assertTextContains('[data-test-id="main-nav"]', 'Relatórios')
    await page.goto(`/plugins/reports/campaigns/${campaign.id}`)
    await page.assertTextContains(exit('any'), 'Qualquer outra resposta')
    await page.assertTextContains(exit('no_reply'), 'Sem resposta')
    await page.assertTextContains('[data-test-id="report-nodes"] thead', 'Aguardando agora')
    await assertFitsCard(page, assert)
    await page.locator('[data-test-id="report-nodes"]').scrollIntoViewIfNeeded()
    await capture(page, 'report-steps-pt-1280')

    await page.setViewportSize({ width: 390, height: 844 })
    await page.waitForTimeout(300)
    await assertFitsCard(page, assert)
    await page.locator('[data-test-id="report-nodes"]').scrollIntoViewIfNeeded()
    await capture(page, 'report-steps-pt-390')
  }).timeout(60_000)

  test('steps after a wait show zeros', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Report unreached steps')
    const campaign = await seedUnreachedSteps(tenant.id, owner.id)
    await browserContext.loginAs(owner)

    const page = await visit(`/plugins/reports/campaigns/${campaign.id}`)
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.locator('[data-test-id="report-nodes"]').waitFor()
    const rows = page.locator('[data-test-id="report-nodes"] tbody tr')
    const ids = await rows.evaluateAll((cells) => cells.map((row) => row.dataset.testId))
    assert.deepEqual(
      ids,
      UNREACHED_ORDER.map((id) => `report-nodes-${id}`)
    )
    const cells = (id: string) =>
      page.locator(`[data-test-id="report-nodes-${id}"] td.number`).allInnerTexts()
    assert.deepEqual(await cells('later'), ['0', '0', '0', '0', '0', '0', '0', '3'])
    assert.deepEqual(await cells('silent'), Array(8).fill('0'))
    const exit = (step: string, port: string) => `[data-test-id="report-exits-${step}-${port}"]`
    await page.assertText(exit('branch', 'sim'), 'SIM\n0')
    await page.assertText(exit('branch', 'no_reply'), 'No reply\n0')
    await page.assertText(exit('silent', 'sent'), 'Sent\n0')
    assert.equal(await page.locator(exit('branch', 'talvez')).count(), 0)
    await assertFitsCard(page, assert)
    await page.locator('[data-test-id="report-nodes"]').scrollIntoViewIfNeeded()
    await capture(page, 'report-unreached-steps-en-1280')
  }).timeout(60_000)
})

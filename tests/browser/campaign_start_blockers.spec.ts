import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import { createCampaign, createPublishedCampaign } from '#tests/helpers/campaigns'

/**
 * A campaign that cannot start says why beside its Start button, which
 * stays disabled, instead of asking for confirmation and failing after.
 */
test.group('Campaign start blockers', () => {
  test('list names every blocker in pt-BR', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Blockers')
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)
    const campaign = await createCampaign(tenant.id, { name: 'Sem fluxo' })
    let dialogs = 0
    const page = await visit('/campaigns')
    page.on('dialog', (dialog) => {
      dialogs++
      return dialog.dismiss()
    })

    const row = page.locator(`[data-test-id="campaign-row-${campaign.id}"]`)
    const start = row.locator(`[data-test-id="campaign-start-${campaign.id}"]`)
    await start.waitFor()
    assert.isTrue(await start.isDisabled())
    assert.equal(await start.getAttribute('aria-describedby'), `start-blockers-${campaign.id}`)
    const blockers = row.locator('[data-test-id="start-blockers"]')
    await page.assertTextContains(
      `#start-blockers-${campaign.id} [data-test-id="start-blocker-not_published"]`,
      'o fluxo não tem versão publicada'
    )
    const publish = blockers.locator('[data-test-id="start-blocker-not_published"] a')
    assert.equal(await publish.getAttribute('href'), `/campaigns/${campaign.id}/flow`)
    const audience = blockers.locator('[data-test-id="start-blocker-no_audience"] a')
    assert.equal(await audience.innerText(), 'Escolher o público')
    assert.equal(await audience.getAttribute('href'), `/campaigns/${campaign.id}`)
    await blockers.locator('[data-test-id="start-blocker-no_instance"]').waitFor()

    await start.click({ force: true })
    assert.equal(dialogs, 0, 'a blocked Start asks nothing')
    await page.setViewportSize({ width: 390, height: 844 })
    await capture(page, 'campaign-start-blockers-390')
  })

  test('flow editor follows publication', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Blockers')
    await browserContext.loginAs(owner)
    const campaign = await createPublishedCampaign(tenant.id)

    const page = await visit(`/campaigns/${campaign.id}/flow`)
    const start = page.locator('[data-test-id="campaign-start"]')
    await start.waitFor()
    assert.isTrue(await start.isDisabled())
    const blockers = page.locator('#start-blockers')
    await blockers.waitFor()
    assert.equal(await blockers.locator('[data-test-id^="start-blocker-"]').count(), 2)
    await page.assertTextContains(
      '[data-test-id="start-blocker-no_audience"]',
      'no list or segment is chosen'
    )
    await page.assertNotExists('[data-test-id="start-blocker-not_published"]')
  })
})

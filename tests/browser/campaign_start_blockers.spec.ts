import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import { createCampaign, createPublishedCampaign } from '#tests/helpers/campaigns'
import { createSandboxInstance } from '#tests/helpers/api'
import ContactList from '#models/contact_list'
import { runInTenant } from '#tenancy/tenant_context'

/** The start question's warning for each count of offline numbers, by language. */
const OFFLINE_WARNINGS = {
  'en': {
    1: 'so nothing is sent until it is reconnected on the Connections page',
    2: 'so nothing is sent until one of them is reconnected on the Connections page',
  },
  'pt-BR': {
    1: 'então nada é enviado até ele ser reconectado na página Conexões',
    2: 'então nada é enviado até um deles ser reconectado na página Conexões',
  },
}

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

  test('offline warning agrees with the count', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Offline')
    await browserContext.loginAs(owner)
    const first = await createSandboxInstance(tenant.id)
    const second = await createSandboxInstance(tenant.id)
    const list = await runInTenant(tenant.id, () => ContactList.create({ name: 'Clientes' }))
    const campaigns = new Map<number, number>()
    for (const instanceIds of [[first.id], [first.id, second.id]]) {
      const campaign = await createPublishedCampaign(tenant.id)
      campaign.merge({ listIds: [list.id], channelInstanceIds: instanceIds })
      await runInTenant(tenant.id, () => campaign.save())
      campaigns.set(instanceIds.length, campaign.id)
    }

    for (const locale of ['en', 'pt-BR'] as const) {
      owner.locale = locale
      await owner.save()
      const page = await visit('/campaigns')
      for (const [count, campaignId] of campaigns) {
        const question = new Promise<string>((resolve) => {
          page.once('dialog', (dialog) => {
            resolve(dialog.message())
            void dialog.dismiss()
          })
        })
        await page.locator(`[data-test-id="campaign-start-${campaignId}"]`).click()
        const message = await question
        const expected = OFFLINE_WARNINGS[locale][count as 1 | 2]
        assert.include(message, expected, `${locale}, ${count} numbers`)
      }
    }
  })
})

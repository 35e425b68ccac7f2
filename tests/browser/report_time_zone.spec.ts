import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { seedCampaignTraffic } from '#tests/helpers/reports'

/** Reports name the workspace's time zone in words of the page's language, not its IANA id. */
test.group('Report time zone', () => {
  test('named in both languages', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Zones')
    tenant.timezone = 'America/Sao_Paulo'
    await tenant.save()
    const { campaign } = await seedCampaignTraffic(tenant.id, ['read'])
    await browserContext.loginAs(owner)

    const page = await visit(`/plugins/reports/campaigns/${campaign.id}`)
    const help = page.locator('[data-test-id="volume-help"]')
    await help.waitFor()
    const english = await help.innerText()
    assert.match(english, /^Hours are shown in Brasilia [A-Za-z ]*Time \(Sao Paulo\)\.$/)

    owner.locale = 'pt-BR'
    await owner.save()
    await page.goto('/plugins/reports/campaigns')
    await help.waitFor()
    const text = await help.innerText()
    assert.match(text, /Horários em Horário [A-Za-zã ]*Brasília \(Sao Paulo\)\.$/)
    assert.notInclude(text, 'America/Sao_Paulo')
  })
})

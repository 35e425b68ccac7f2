import { test } from '@japa/runner'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { createAudienceTenant, storeMessages } from '#tests/helpers/audience'
import { createCampaign } from '#tests/helpers/campaigns'
import { capture } from '#tests/helpers/browser_pages'

test.group('Segment rules on message history', () => {
  test('replied rule picks a campaign', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const promo = await createCampaign(tenant.id, { name: 'Promoção de verão' })
    const natal = await createCampaign(tenant.id, { name: 'Natal' })
    const { instanceId, ana, bia } = await runInTenant(tenant.id, async () => {
      const instance = await ChannelInstance.create({
        name: 'Loja',
        channel: 'sandbox',
        config: {},
      })
      const first = await saveContact(tenant, { name: 'Ana', phone: '11990000021' })
      const second = await saveContact(tenant, { name: 'Bia', phone: '11990000022' })
      await saveContact(tenant, { name: 'Caio', phone: '11990000023' })
      return { instanceId: instance.id, ana: first.id, bia: second.id }
    })
    await storeMessages(tenant.id, [
      {
        contactId: ana,
        instanceId,
        direction: 'out',
        campaignId: promo.id,
        at: '2025-03-01T12:00:00Z',
      },
      { contactId: ana, instanceId, direction: 'in', at: '2025-03-01T12:10:00Z' },
      {
        contactId: bia,
        instanceId,
        direction: 'out',
        campaignId: natal.id,
        at: '2025-03-02T12:00:00Z',
      },
      { contactId: bia, instanceId, direction: 'in', at: '2025-03-02T12:10:00Z' },
    ])
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    await page.locator('[data-test-id="add-rule"]').click()
    const rule = page.locator('[data-test-id="rule-rules.0"]')
    await rule.locator('[data-test-id="rule-type"]').selectOption('replied')
    await page.assertTextContains('[data-test-id="segment-count"]', '2 contacts')

    const campaign = rule.locator('[data-test-id="rule-value"]')
    assert.equal(await campaign.locator('option:checked').innerText(), 'Any campaign')
    await campaign.selectOption({ label: 'Promoção de verão' })
    await page.assertTextContains('[data-test-id="segment-count"]', '1 contact')
    await rule.locator('[data-test-id="rule-op"]').selectOption('no')
    await page.assertTextContains('[data-test-id="segment-count"]', '2 contacts')
    await capture(page, 'segment-replied-campaign')

    await page.locator('[data-test-id="segment-name"]').fill('Não responderam ao verão')
    await page.locator('[data-test-id="segment-save"]').click()
    await page.waitForURL((url) => /^\/segments\/\d+$/.test(url.pathname))
    await page.assertTextContains('[data-test-id="segment-count"]', '2 contacts')
    const saved = page.locator('[data-test-id="rule-rules.0"] [data-test-id="rule-value"]')
    assert.equal(await saved.locator('option:checked').innerText(), 'Promoção de verão')
  }).timeout(60_000)
})

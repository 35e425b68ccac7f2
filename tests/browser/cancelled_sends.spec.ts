import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { CAMPAIGN_CANCELLED_CODE } from '#sdk'
import { runInTenant } from '#tenancy/tenant_context'
import { markFailed } from '#services/channels/message_service'
import { publishProgress } from '#engine/campaign_progress'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { seedCampaignTraffic } from '#tests/helpers/reports'
import { capture } from '#tests/helpers/browser_pages'

/**
 * Seeds a cancelled campaign of five messages: two read, one sent, and two
 * that the cancel stopped before their send.
 */
async function seedCancelledCampaign(tenantId: number) {
  const { campaign, messages } = await seedCampaignTraffic(tenantId, [
    'read',
    'read',
    'sent',
    'queued',
    'queued',
  ])
  await db.from('campaigns').where('id', campaign.id).update({ state: 'cancelled' })
  await runInTenant(tenantId, async () => {
    for (const message of messages.filter((entry) => entry.status === 'queued')) {
      await markFailed(message, {
        code: CAMPAIGN_CANCELLED_CODE,
        reason: 'the campaign was cancelled',
      })
    }
    await publishProgress(tenantId, campaign.id)
  })
  return campaign
}

/**
 * A member reads a cancelled campaign on its list, its messages page and
 * its report: the sends the cancel stopped are called cancelled, never
 * failed, in English and in Portuguese.
 */
test.group('Cancelled sends wording', () => {
  test('cancelled sends in both languages', async ({ visit, browserContext }) => {
    const { tenant, owner } = await createTenantWithOwner('Cancelled')
    const campaign = await seedCancelledCampaign(tenant.id)
    await browserContext.loginAs(owner)

    const page = await visit('/campaigns')
    await page.assertTextContains(
      '[data-test-id="campaign-cancelled-sends"]',
      '2 messages cancelled'
    )
    await page.assertNotExists('[data-test-id="campaign-failed"]')
    await capture(page, 'cancelled-list-en')

    await page.goto(`/campaigns/${campaign.id}/flow`)
    await page.assertTextContains('[data-test-id="flow-totals"]', '0 failed')
    await page.assertText('[data-test-id="flow-totals-cancelled"]', '2 cancelled')

    await page.goto(`/campaigns/${campaign.id}/messages`)
    await page.assertText('[data-test-id="count-cancelled"]', '2')
    await page.assertText('[data-test-id="count-failed"]', '0')
    await page.assertElementsCount('[data-test-id="message-status"]:text-is("Cancelled")', 2)
    await page.assertTextContains(
      '[data-test-id="message-failure"] >> nth=0',
      'Not sent: the campaign was cancelled.'
    )
    await capture(page, 'cancelled-messages-en')

    await page.goto(`/plugins/reports/campaigns/${campaign.id}`)
    await page.assertText('[data-test-id="funnel-cancelled"]', '2')
    await page.assertText('[data-test-id="funnel-failed"]', '0')
    await page.assertTextContains('[data-test-id="funnel"]', 'Cancelled')
    await page.assertTextContains('[data-test-id="report-nodes"]', 'Cancelled')
    await capture(page, 'cancelled-report-en')

    await page.goto('/profile')
    await page.locator('[data-test-id="locale-select"]').selectOption('pt-BR')
    await page.locator('[data-test-id="locale-save"]').click()
    await page.assertTextContains('[data-test-id="main-nav"]', 'Relatórios')

    await page.goto('/campaigns')
    await page.assertTextContains(
      '[data-test-id="campaign-cancelled-sends"]',
      '2 mensagens canceladas'
    )
    await page.goto(`/campaigns/${campaign.id}/flow`)
    await page.assertText('[data-test-id="flow-totals-cancelled"]', '2 canceladas')
    await page.goto(`/campaigns/${campaign.id}/messages`)
    await page.assertElementsCount('[data-test-id="message-status"]:text-is("Cancelada")', 2)
    await page.assertTextContains('[data-test-id="delivery-counts"]', 'Canceladas')
    await page.assertTextContains(
      '[data-test-id="message-failure"] >> nth=0',
      'Não enviada: a campanha foi cancelada.'
    )
    await capture(page, 'cancelled-messages-pt')
    await page.goto(`/plugins/reports/campaigns/${campaign.id}`)
    await page.assertTextContains('[data-test-id="funnel"]', 'Canceladas')
    await page.assertText('[data-test-id="funnel-cancelled"]', '2')
    await capture(page, 'cancelled-report-pt')
  }).timeout(60_000)
})

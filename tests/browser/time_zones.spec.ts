import { test } from '@japa/runner'
import type { Browser } from 'playwright'
import db from '@adonisjs/lucid/services/db'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { seedCampaignTraffic } from '#tests/helpers/reports'
import { capture } from '#tests/helpers/browser_pages'

/** The test server, where the suite's own `visit` goes. */
const BASE = `http://127.0.0.1:${process.env.PORT}`

/** 14:05 UTC on 11 March 2026, which is 11:05 in São Paulo (UTC-3). */
const QUEUED_AT_UTC = '2026-03-11 14:05:00'

/**
 * Pages show times in the workspace's time zone, as its reports and
 * quiet hours count them, whatever the browser's own zone. A browser in
 * another zone also shows the zone's name after each time.
 */
test.group('Workspace time zone', () => {
  test('messages show the workspace time', async ({ browser, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Zones')
    await db.from('tenants').where('id', tenant.id).update({ timezone: 'America/Sao_Paulo' })
    const { campaign, messages } = await seedCampaignTraffic(tenant.id, ['queued'])
    await db.from('messages').where('id', messages[0].id).update({ queued_at: QUEUED_AT_UTC })

    const queuedTexts: Record<string, string> = {}
    for (const timezoneId of ['UTC', 'America/Sao_Paulo', 'Asia/Tokyo']) {
      const context = await (browser as Browser).newContext({
        timezoneId,
        locale: 'en',
        baseURL: BASE,
      })
      await (context as any).loginAs(owner)
      const page = await context.newPage()
      await page.goto(`/campaigns/${campaign.id}/messages`)
      queuedTexts[timezoneId] = await page.locator('[data-test-id="message-queued-at"]').innerText()
      if (timezoneId === 'UTC') await capture(page, 'time-zone-messages-utc-browser')
      await context.close()
    }

    assert.include(queuedTexts['America/Sao_Paulo'], '11:05')
    assert.notInclude(queuedTexts['America/Sao_Paulo'], 'GMT')
    assert.include(queuedTexts.UTC, '11:05')
    assert.include(queuedTexts.UTC, 'GMT-3')
    assert.include(queuedTexts['Asia/Tokyo'], '11:05')
    assert.include(queuedTexts['Asia/Tokyo'], 'GMT-3')
  })
})

import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture, sentBarPixels } from '#tests/helpers/browser_pages'

/** Stores `count` outbound messages of `status` created a minute ago. */
async function storeToday(instance: ChannelInstance, status: string, count: number) {
  const at = DateTime.utc().minus({ minutes: 1 }).toFormat('yyyy-MM-dd HH:mm:ss')
  const rows = Array.from({ length: count }, (_, index) => ({
    tenant_id: instance.tenantId,
    instance_id: instance.id,
    direction: 'out',
    status,
    provider_message_id: `dashboard-${status}-${Date.now()}-${index}`,
    address: '+5511987650000',
    body: 'Olá',
    created_at: at,
    updated_at: at,
  }))
  await db.table('messages').multiInsert(rows)
}

/** A member opens the dashboard and reads today's figures and the chart, in both languages. */
test.group('Dashboard page', () => {
  test('figures and chart in both languages', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Dashboard')
    const instance = await runInTenant(tenant.id, () =>
      ChannelInstance.create({ name: 'Vendas', channel: 'sandbox', status: 'open' })
    )
    await storeToday(instance, 'read', 6)
    await storeToday(instance, 'delivered', 2)
    await storeToday(instance, 'failed', 1)
    await browserContext.loginAs(owner)

    const page = await visit('/')
    await page.assertTextContains('[data-test-id="today-sent"]', '8')
    await page.assertTextContains('[data-test-id="today-delivered"]', '100% of sent')
    await page.assertTextContains('[data-test-id="today-read"]', '75% of sent')
    await page.assertTextContains('[data-test-id="today-failed"]', '1')
    await page.assertTextContains('[data-test-id="dashboard-connections"]', '1 of 1 connected')
    const sentPixels = await sentBarPixels(page, '[data-test-id="dashboard-chart"]')
    assert.equal(await page.locator('[data-test-id="dashboard-next-steps"]').count(), 0)
    await capture(page, 'dashboard-en')

    await page.goto('/profile')
    await page.locator('[data-test-id="locale-select"]').selectOption('pt-BR')
    await page.locator('[data-test-id="locale-save"]').click()
    await page.assertTextContains('[data-test-id="main-nav"]', 'Painel')
    await page.goto('/')
    await page.assertTextContains('[data-test-id="dashboard-today"]', 'Hoje')
    await page.assertTextContains('[data-test-id="today-read"]', '75% das enviadas')
    await page.assertTextContains('[data-test-id="dashboard-connections"]', '1 de 1 conectadas')
    await capture(page, 'dashboard-pt')

    assert.isAbove(sentPixels, 20)
  })

  test('empty workspace shows where to start', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Empty dashboard')
    await browserContext.loginAs(owner)

    const page = await visit('/')
    await page.assertTextContains('[data-test-id="dashboard-chart-empty"]', 'No message')
    await page.assertTextContains('[data-test-id="dashboard-campaigns"]', 'Go to campaigns')
    await page.assertTextContains('[data-test-id="dashboard-connections"]', 'Connect a number')
    await page.assertTextContains('[data-test-id="dashboard-unread"]', '0')
    await page.assertTextContains('[data-test-id="dashboard-next-steps"]', 'Start by connecting')
    assert.equal(await page.locator('[data-test-id="dashboard-chart"]').count(), 0)
  })
})

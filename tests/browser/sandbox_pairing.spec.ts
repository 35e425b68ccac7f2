import { test } from '@japa/runner'
import Contact from '#models/contact'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { startChannelsRole, waitForStatus } from '#tests/helpers/channels'

test.group('Sandbox pairing', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('scan in the simulator connects the page', async ({ browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await runInTenant(tenant.id, async () => {
      await Contact.create({
        name: 'Ana Souza',
        phone: '+5511987651234',
        timezone: 'America/Sao_Paulo',
        consent: 'opted_in',
      })
      return createInstance({ name: 'Demo number', channel: 'sandbox', config: {} })
    })
    await browserContext.loginAs(owner)

    const connections = await browserContext.newPage()
    await connections.goto('/connections')
    const card = connections.locator(`[data-test-id="connection-${instance.id}"]`)
    await card.locator('[data-test-id="action-connect"]').click()
    await card.locator('[data-test-id="connection-qr"] img').waitFor()
    await waitForStatus(tenant.id, instance.id, 'qr')

    const simulator = await browserContext.newPage()
    await simulator.goto(`/simulator?instance=${instance.id}`)
    await simulator.locator('[data-test-id="simulator-scan"]').click()

    await connections
      .locator(`[data-test-id="connection-${instance.id}"][data-status="open"]`)
      .waitFor()
    assert.equal(await card.locator('[data-test-id="connection-status"]').innerText(), 'Connected')
    await simulator
      .locator('[data-test-id="simulator-draft"]:not([disabled])')
      .waitFor({ timeout: 90_000 })
  }).timeout(60_000)
})

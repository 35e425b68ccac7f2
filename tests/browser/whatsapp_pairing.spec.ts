import { test } from '@japa/runner'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { startChannelsRole, waitForStatus } from '#tests/helpers/channels'
import type { WhatsAppPeer } from '#tests/support/whatsapp_peer/index'
import {
  closeWhatsAppInstances,
  startLoopbackPeer,
} from '../../plugins/whatsapp/tests/support/loopback.js'

const QR_IMAGE = '[data-test-id="connection-qr"] img'

/** QR codes live 1.5 s here instead of WhatsApp's 60 s and 20 s, and the peer offers three. */
const CONFIG = { qrTimeoutMs: 1500, reconnectBaseMs: 50 }

test.group('WhatsApp pairing page', (group) => {
  let role: ChannelsRole
  let peer: WhatsAppPeer
  group.setup(async () => {
    peer = await startLoopbackPeer({ qrRefs: 3 })
    role = await startChannelsRole()
    return async () => {
      await role.stop()
      await closeWhatsAppInstances()
      await peer.close()
    }
  })

  test('each new QR reaches the page', async ({ browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await runInTenant(tenant.id, () =>
      createInstance({ name: 'Loja Centro', channel: 'whatsapp', config: CONFIG })
    )
    await browserContext.loginAs(owner)
    const page = await browserContext.newPage()
    await page.goto('/connections')
    const card = page.locator(`[data-test-id="connection-${instance.id}"]`)
    await card.locator('[data-test-id="action-connect"]').click()

    const image = card.locator(QR_IMAGE)
    await image.waitFor()
    const first = await image.getAttribute('data-value')
    assert.isString(first)
    await card.locator(`${QR_IMAGE}:not([data-value="${first}"])`).waitFor({ timeout: 5000 })
    const second = await image.getAttribute('data-value')
    assert.notEqual(second, first)

    await peer.scanQr(second!, { phone: '+5511974440001' })
    await page.locator(`[data-test-id="connection-${instance.id}"][data-status="open"]`).waitFor()
    assert.equal(await card.locator('[data-test-id="connection-status"]').innerText(), 'Connected')
    assert.include(await card.innerText(), '+5511974440001')
  }).timeout(60_000)

  test('expired pairing offers a new attempt', async ({ browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await runInTenant(tenant.id, () =>
      createInstance({ name: 'Loja Norte', channel: 'whatsapp', config: CONFIG })
    )
    await browserContext.loginAs(owner)
    const page = await browserContext.newPage()
    await page.goto('/connections')
    const card = page.locator(`[data-test-id="connection-${instance.id}"]`)
    await card.locator('[data-test-id="action-connect"]').click()
    await card.locator(QR_IMAGE).waitFor()

    await card.locator('[data-test-id="pairing-expired"]').waitFor({ timeout: 15_000 })
    assert.equal(await card.getAttribute('data-status'), 'closed')
    const retry = card.locator('[data-test-id="action-connect"]')
    assert.equal(await retry.innerText(), 'New attempt')

    await retry.click()
    await card.locator(QR_IMAGE).waitFor()
    const stored = await waitForStatus(tenant.id, instance.id, 'qr')
    assert.equal(
      await card.locator(QR_IMAGE).getAttribute('data-value'),
      (stored.pairing as { qr: string }).qr
    )
  }).timeout(60_000)

  test('pairing code links from the page', async ({ browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await runInTenant(tenant.id, () =>
      createInstance({ name: 'Loja Leste', channel: 'whatsapp', config: { reconnectBaseMs: 50 } })
    )
    await browserContext.loginAs(owner)
    const page = await browserContext.newPage()
    await page.goto('/connections')
    const card = page.locator(`[data-test-id="connection-${instance.id}"]`)
    await card.locator('[data-test-id="action-connect"]').click()
    await card.locator(QR_IMAGE).waitFor()

    await card.locator('[data-test-id="pairing-code-phone"]').fill('+5511974440003')
    await card.locator('[data-test-id="pairing-code-request"]').click()
    const shown = card.locator('[data-test-id="connection-pairing-code"] .pairing-code')
    await shown.waitFor()
    const code = await shown.innerText()
    assert.match(code, /^[A-Z0-9]{8}$/)

    await peer.enterPairingCode(code)
    await page.locator(`[data-test-id="connection-${instance.id}"][data-status="open"]`).waitFor()
    assert.include(await card.innerText(), '+5511974440003')
  }).timeout(60_000)
})

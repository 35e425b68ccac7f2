import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import {
  createDelivery,
  createEndpoint,
  startReceiver,
  startWebhookWorker,
  waitFor,
} from '#tests/helpers/webhooks'
import { enqueueDelivery } from '../../plugins/webhooks/services/delivery_queue.js'
import { webhooksConfig } from '../../plugins/webhooks/config.js'

/**
 * An admin creates an endpoint pointing at a receiver on this machine,
 * copies the secret, sends a test event and reads the delivery log.
 */
test.group('Webhooks page', (group) => {
  let stopWorker: () => Promise<void>

  group.setup(async () => {
    webhooksConfig.allowPrivateTargets = true
    stopWorker = await startWebhookWorker()
  })
  group.teardown(async () => {
    webhooksConfig.allowPrivateTargets = false
    await stopWorker()
  })

  test('create, test-send, see the log', async ({ visit, browserContext, assert }) => {
    // The receiver responds late, so the page shows the delivery pending first.
    const receiver = await startReceiver([202], { delayMs: 2000 })
    const { owner } = await createTenantWithOwner('Hooks')
    await browserContext.loginAs(owner)

    const page = await visit('/')
    await page.locator('[data-test-id="plugin-nav-webhooks"]').click()
    await page.waitForURL((url) => url.pathname === '/plugins/webhooks/endpoints', {
      waitUntil: 'commit',
    })
    await page.assertExists('[data-test-id="webhooks-empty"]')
    await page.assertText(
      '[data-test-id="event-description-message:delivered"]',
      "A message reached the contact's phone."
    )

    await page.locator('[data-test-id="field-url"]').fill(receiver.url)
    await page.locator('[data-test-id="event-message:delivered"]').check()
    await page.locator('[data-test-id="webhook-submit"]').click()
    await page.waitForURL((url) => /^\/plugins\/webhooks\/endpoints\/\d+$/.test(url.pathname), {
      waitUntil: 'commit',
    })
    await page.assertTextContains('[data-test-id="webhook-secret"]', 'whsec_')
    await page.assertExists('[data-test-id="webhook-log-empty"]')

    await page.locator('[data-test-id="webhook-test"]').click()
    await page.assertTextContains('[data-test-id="flash-success"]', 'Test event queued')
    await page.assertText('[data-test-id="delivery-status"]', 'Pending')
    await waitFor(() => receiver.requests.length === 1, 'the test event')
    await receiver.close()
    assert.equal(receiver.requests[0].headers['x-disparador-event'], 'webhook:test')

    // The log follows the attempt live: no reload of the page.
    await page
      .locator('[data-test-id="delivery-status"]', { hasText: 'Delivered' })
      .waitFor({ timeout: 15_000 })
    await page.assertText('[data-test-id="attempt-status-code"]', '202')
    await page.reload()
    await page.assertNotExists('[data-test-id="webhook-secret"]')
  })

  test('help explains signing in pt-BR', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Hooks')
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)
    webhooksConfig.allowPrivateTargets = false

    try {
      await visit('/')
      const page = await visit('/plugins/webhooks/endpoints')
      const help = page.locator('[data-test-id="webhooks-help"]')
      await help.waitFor()
      const text = await help.innerText()
      assert.include(text, 'segredo de assinatura')
      assert.include(text, 'X-Disparador-Signature')
      assert.include(text, 'até 6 tentativas')
      assert.include(text, 'rede privada')
      assert.notInclude(text, 'docs/')
      if (process.env.SCREENSHOT_DIR) {
        await page.setViewportSize({ width: 1280, height: 900 })
        await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/webhooks-pt-BR.png` })
      }
    } finally {
      webhooksConfig.allowPrivateTargets = true
    }
  }).timeout(60_000)

  test('failures named in pt-BR', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Hooks')
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)
    const endpoint = await createEndpoint(tenant.id, `http://127.0.0.1:${await closedPort()}/hooks`)

    await visit('/')
    const page = await visit(`/plugins/webhooks/endpoints/${endpoint.id}`)
    await page.locator('[data-test-id="webhook-test"]').click()
    const refused = page.locator('[data-test-id="attempt-failure"]', {
      hasText: 'Conexão recusada',
    })
    await refused.waitFor({ timeout: 15_000 })
    assert.include(await refused.getAttribute('title'), 'ECONNREFUSED')
    await page.locator('[data-test-id="attempt-error-detail"] summary').first().click()
    await page.assertTextContains('[data-test-id="attempt-error-detail"]', 'ECONNREFUSED')
    const log = await page.locator('[data-test-id^="delivery-"]').first().innerText()
    assert.notInclude(log, 'Sem resposta: connect')

    // A queued delivery whose target is no longer allowed is rejected by the job.
    webhooksConfig.allowPrivateTargets = false
    try {
      const queued = await createDelivery(endpoint, '{"event":"message:delivered"}')
      await enqueueDelivery({ tenantId: tenant.id, deliveryId: queued.id }, queued.id)
      await waitFor(async () => {
        await queued.refresh()
        return queued.status === 'failed'
      }, 'the job to reject the target')
    } finally {
      webhooksConfig.allowPrivateTargets = true
    }
    await page.reload()
    await page
      .locator('[data-test-id="attempt-failure"]', { hasText: 'Endereço não permitido' })
      .waitFor()
    if (process.env.SCREENSHOT_DIR) {
      await page.setViewportSize({ width: 390, height: 900 })
      await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/webhook-failures-390.png` })
    }
  }).timeout(60_000)
})

/** Returns a port on 127.0.0.1 that nothing listens on: one the system handed out and closed. */
async function closedPort() {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

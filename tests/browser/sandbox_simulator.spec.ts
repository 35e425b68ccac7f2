import { test } from '@japa/runner'
import Contact from '#models/contact'
import Message from '#models/message'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import {
  pairedSandbox,
  queueMessage,
  startChannelsRole,
  waitFor,
  waitForMessageStatus,
} from '#tests/helpers/channels'

/**
 * Saves a full-page screenshot when SCREENSHOT_DIR is set, to review the
 * page by eye; the tests never compare images.
 */
async function capture(page: { screenshot(options: object): Promise<unknown> }, name: string) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true })
  }
}

async function createContact(tenantId: number, name: string, phone: string) {
  return runInTenant(tenantId, () =>
    Contact.create({ name, phone, timezone: 'America/Sao_Paulo', consent: 'opted_in' })
  )
}

test.group('Phone simulator', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('viewer sees a read-only phone', async ({ browserContext, visit, assert }) => {
    const { tenant } = await createTenantWithOwner()
    await createContact(tenant.id, 'Ana Souza', '+5511987651299')
    await pairedSandbox(tenant.id)
    const { user: viewer } = await addMember(tenant.id, 'viewer')
    await browserContext.loginAs(viewer)

    const page = await visit('/simulator')
    await page.locator('[data-test-id="simulator-read-only"]').waitFor()
    assert.notInclude(await page.locator('main').innerText(), 'reply as the contact')
    const send = page.locator('[data-test-id="simulator-send"]')
    assert.isTrue(await send.isDisabled())
    const colour = await send.evaluate((button) => getComputedStyle(button).backgroundColor)
    assert.notEqual(colour, 'rgb(37, 211, 102)', 'a disabled send button looks active')
    await capture(page, 'simulator-viewer')
  }).timeout(60_000)

  test('typed reply arrives as inbound', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await createContact(tenant.id, 'Ana Souza', '+5511987651234')
    const bruno = await createContact(tenant.id, 'Bruno Lima', '+5511987655678')
    const instance = await pairedSandbox(tenant.id)
    await browserContext.loginAs(owner)
    // A slow subscription must not lose the reply: the page may accept it only once it listens.
    await browserContext.route('**/__transmit/subscribe', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 700))
      await route.continue()
    })

    const page = await visit(`/simulator?instance=${instance.id}&contact=${bruno.id}`)
    await page.locator('[data-test-id="simulator-draft"]:not([disabled])').fill('SIM, *quero*')
    await page.locator('[data-test-id="simulator-send"]').click()

    const bubble = page.locator('[data-test-id="simulator-message"][data-direction="in"]')
    await bubble.waitFor()
    assert.equal(await bubble.locator('.wa-text').innerHTML(), 'SIM, <strong>quero</strong>')
    assert.equal(await page.locator('[data-test-id="simulator-draft"]').inputValue(), '')

    const stored = await waitFor(
      () => runInTenant(tenant.id, () => Message.query().where('direction', 'in').first()),
      'the inbound message'
    )
    assert.equal(stored.instanceId, instance.id)
    assert.equal(stored.contactId, bruno.id)
    assert.equal(stored.address, '+5511987655678')
    assert.equal(stored.body, 'SIM, *quero*')
    assert.equal(stored.status, 'received')
  }).timeout(60_000)

  test('times and name follow the member', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const carla = await createContact(tenant.id, 'Carla Dias', '+5511987659012')
    const instance = await pairedSandbox(tenant.id)
    await queueMessage(instance, carla.phone, 'Olá, Carla')
    await browserContext.loginAs(owner)

    const page = await visit(`/simulator?instance=${instance.id}&contact=${carla.id}`)
    const bubble = page.locator('[data-test-id="simulator-message"][data-direction="out"]')
    await bubble.waitFor()
    // The browser speaks en-US; the member reads Portuguese, with 24-hour times.
    assert.match(await bubble.locator('.wa-meta').innerText(), /^\d{2}:\d{2}/)
    assert.notMatch(await bubble.locator('.wa-meta').innerText(), /AM|PM/)
    assert.equal(await page.locator('.wa-header strong').innerText(), instance.name)
  }).timeout(60_000)

  test('formatting and live ticks', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const ana = await createContact(tenant.id, 'Ana Souza', '+5511987651234')
    const instance = await pairedSandbox(tenant.id, {
      sentDelayMs: 0,
      deliveredDelayMs: 1500,
      readDelayMs: 1500,
    })
    await browserContext.loginAs(owner)

    const page = await visit(`/simulator?instance=${instance.id}&contact=${ana.id}`)
    await page
      .locator('[data-test-id="simulator-draft"]:not([disabled])')
      .waitFor({ timeout: 90_000 })
    const message = await queueMessage(
      instance,
      ana.phone,
      'Oi *Ana*, _hoje_ ~não~ ```codigo 42```'
    )

    const bubble = page.locator(`[data-test-id="simulator-message"][data-id="${message.id}"]`)
    await bubble.waitFor()
    const html = await bubble.locator('.wa-text').innerHTML()
    assert.include(html, '<strong>Ana</strong>')
    assert.include(html, '<em>hoje</em>')
    assert.include(html, '<s>não</s>')
    assert.include(html, '<code class="wa-mono">codigo 42</code>')

    const ticks = bubble.locator('[data-test-id="simulator-ticks"]')
    await page
      .locator(`[data-test-id="simulator-message"][data-id="${message.id}"][data-status="sent"]`)
      .waitFor()
    assert.equal(await ticks.innerText(), '✓')
    assert.notInclude(await ticks.getAttribute('class'), 'read')

    await page
      .locator(
        `[data-test-id="simulator-message"][data-id="${message.id}"][data-status="delivered"]`
      )
      .waitFor()
    assert.equal(await ticks.innerText(), '✓✓')
    assert.notInclude(await ticks.getAttribute('class'), 'read')

    await page
      .locator(`[data-test-id="simulator-message"][data-id="${message.id}"][data-status="read"]`)
      .waitFor()
    assert.equal(await ticks.innerText(), '✓✓')
    assert.include(await ticks.getAttribute('class'), 'read')
    await waitForMessageStatus(message, 'read')
    await capture(page, 'simulator-ticks')
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import Contact from '#models/contact'
import Message from '#models/message'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import {
  pairedSandbox,
  startChannelsRole,
  waitFor,
  waitForMessageStatus,
} from '#tests/helpers/channels'
import { createContact, simulateReply, uniqueMobile } from '#tests/helpers/inbox'

/** Window sizes in CSS pixels: a phone, a small laptop and a desktop. */
const PHONE = { width: 390, height: 844 }
const LAPTOP = { width: 1024, height: 768 }
const DESKTOP = { width: 1440, height: 900 }

/**
 * Saves a full-page screenshot when SCREENSHOT_DIR is set, to review the
 * page by eye; the tests never compare images.
 */
async function capture(page: { screenshot(options: object): Promise<unknown> }, name: string) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true })
  }
}

test.group('Inbox', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('empty list says why', async ({ browserContext, visit, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const agent = await addMember(tenant.id, 'agent')
    await browserContext.loginAs(agent.user)

    const page = await visit('/inbox?unassigned=1')
    const empty = page.locator('[data-test-id="conversations-empty"]')
    await empty.waitFor()
    assert.equal(await empty.innerText(), 'No conversations match these filters.')
  }).timeout(60_000)

  test('agent answers live and opts out', async ({ browserContext, visit, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const agent = await addMember(tenant.id, 'agent')
    const instance = await pairedSandbox(tenant.id, {
      sentDelayMs: 0,
      deliveredDelayMs: 1500,
      readDelayMs: 1500,
    })
    const ana = await createContact(tenant.id, 'Ana Souza')
    await browserContext.loginAs(agent.user)

    const page = await visit('/inbox')
    await page.locator('[data-test-id="inbox"][data-live="ready"]').waitFor({ timeout: 90_000 })
    const empty = page.locator('[data-test-id="conversations-empty"]')
    await empty.waitFor()
    assert.include(await empty.innerText(), 'No conversations yet.')

    const first = await simulateReply(instance, ana.phone, 'Oi, vi a promoção!')
    const row = page.locator(`[data-test-id="conversation-row"][data-id="${first.conversationId}"]`)
    await row.waitFor()
    assert.include(await row.innerText(), 'Ana Souza')
    assert.equal(await row.locator('[data-test-id="conversation-unread"]').innerText(), '1')

    await row.click()
    const pane = page.locator(
      `[data-test-id="conversation-pane"][data-id="${first.conversationId}"]`
    )
    await pane.waitFor()
    await pane.locator(`[data-test-id="inbox-message"][data-id="${first.id}"]`).waitFor()
    await row.locator('[data-test-id="conversation-unread"]').waitFor({ state: 'detached' })

    const second = await simulateReply(instance, ana.phone, 'Ainda vale hoje?')
    const secondBubble = pane.locator(`[data-test-id="inbox-message"][data-id="${second.id}"]`)
    await secondBubble.waitFor()
    assert.include(await secondBubble.innerText(), 'Ainda vale hoje?')

    await page.locator('[data-test-id="composer-text"]').fill('Vale sim, *até 18h*')
    await page.locator('[data-test-id="composer-send"]').click()
    const reply = await waitFor(
      () =>
        runInTenant(tenant.id, () =>
          Message.query()
            .where('conversation_id', first.conversationId!)
            .where('direction', 'out')
            .first()
        ),
      'the inbox reply'
    )
    assert.equal(reply.body, 'Vale sim, *até 18h*')
    assert.equal(reply.sentByUserId, agent.user.id)
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-test-id="composer-text"]') as HTMLTextAreaElement).value ===
        ''
    )

    const replyBubble = (status: string) =>
      pane.locator(`[data-test-id="inbox-message"][data-id="${reply.id}"][data-status="${status}"]`)
    const ticks = pane.locator(
      `[data-test-id="inbox-message"][data-id="${reply.id}"] [data-test-id="inbox-ticks"]`
    )
    await replyBubble('sent').waitFor()
    assert.equal(await ticks.innerText(), '✓')
    await replyBubble('delivered').waitFor()
    assert.equal(await ticks.innerText(), '✓✓')
    assert.notInclude(await ticks.getAttribute('class'), 'read')
    await replyBubble('read').waitFor()
    assert.include(await ticks.getAttribute('class'), 'read')
    assert.include(
      await pane.locator(`[data-test-id="inbox-message"][data-id="${reply.id}"]`).innerHTML(),
      '<strong>até 18h</strong>'
    )
    await waitForMessageStatus(reply, 'read')
    await capture(page, 'inbox-en')

    await page.locator('[data-test-id="opt-out"]').click()
    await page.locator('[data-test-id="opt-in"]').waitFor()
    assert.equal(await page.locator('[data-test-id="contact-consent"]').innerText(), 'Opted out')
    const stored = await runInTenant(tenant.id, () => Contact.findOrFail(ana.id))
    assert.equal(stored.consent, 'opted_out')
    assert.equal(stored.consentSource, 'operator')
  }).timeout(120_000)

  test('closed connection shows why', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const bruno = await createContact(tenant.id, 'Bruno Lima')
    const inbound = await simulateReply(instance, bruno.phone, 'Olá')
    await runInTenant(tenant.id, async () => {
      instance.status = 'closed'
      await instance.save()
    })
    await browserContext.loginAs(owner)

    const page = await visit(`/inbox?conversation=${inbound.conversationId}`)
    await page.locator('[data-test-id="composer-text"]').fill('Tudo bem?')
    await page.locator('[data-test-id="composer-send"]').click()

    const error = page.locator('[data-test-id="composer-error"]')
    await error.waitFor()
    assert.include(await error.innerText(), instance.name)
    assert.include(await error.innerText(), 'not connected')
    const outbound = await runInTenant(tenant.id, () =>
      Message.query().where('conversation_id', inbound.conversationId!).where('direction', 'out')
    )
    assert.lengthOf(outbound, 0)
  }).timeout(60_000)

  test('too long reply says so', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const instance = await pairedSandbox(tenant.id)
    const carla = await createContact(tenant.id, 'Carla Dias')
    const inbound = await simulateReply(instance, carla.phone, 'Oi')
    await browserContext.loginAs(owner)

    const page = await visit(`/inbox?conversation=${inbound.conversationId}`)
    await page.locator('[data-test-id="composer-text"]').fill('a'.repeat(4100))
    const warning = page.locator('[data-test-id="composer-too-long"]')
    await warning.waitFor()
    assert.include(await warning.innerText(), '4100')
    assert.include(await warning.innerText(), '4096')
    assert.isTrue(await page.locator('[data-test-id="composer-send"]').isDisabled())

    await page.locator('[data-test-id="composer-text"]').fill('a'.repeat(4096))
    await warning.waitFor({ state: 'detached' })
    assert.isFalse(await page.locator('[data-test-id="composer-send"]').isDisabled())
  }).timeout(60_000)

  test('viewer reads in Portuguese', async ({ browserContext, visit, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const viewer = await addMember(tenant.id, 'viewer')
    viewer.user.locale = 'pt-BR'
    await viewer.user.save()
    const instance = await pairedSandbox(tenant.id)
    const carla = await createContact(tenant.id, 'Carla Dias')
    await simulateReply(instance, carla.phone, 'Bom dia! Quero um orçamento.')
    const inbound = await simulateReply(instance, carla.phone, 'Pode ser amanhã?')
    await browserContext.loginAs(viewer.user)

    const page = await visit(`/inbox?conversation=${inbound.conversationId}`)
    await page.locator(`[data-test-id="inbox-message"][data-id="${inbound.id}"]`).waitFor()

    assert.equal(await page.locator('h1').innerText(), 'Caixa de entrada')
    assert.equal(await page.locator('[data-test-id="composer"]').count(), 0)
    assert.equal(await page.locator('[data-test-id="opt-out"]').count(), 0)
    const badge = page.locator('[data-test-id="inbox-badge"][data-count="1"]')
    await badge.waitFor()
    assert.equal(await badge.getAttribute('title'), '1 conversa não lida')
    await capture(page, 'inbox-pt-BR')
  }).timeout(60_000)

  test('badge counts live on other pages', async ({ browserContext, visit, assert }) => {
    const { tenant } = await createTenantWithOwner()
    const agent = await addMember(tenant.id, 'agent')
    const instance = await pairedSandbox(tenant.id)
    const ana = await createContact(tenant.id, 'Ana Souza')
    await browserContext.loginAs(agent.user)

    const page = await visit('/inbox')
    await page.locator('[data-test-id="inbox"][data-live="ready"]').waitFor({ timeout: 90_000 })
    const badge = page.locator('[data-test-id="inbox-badge"]')
    assert.equal(await badge.count(), 0)

    const first = await simulateReply(instance, ana.phone, 'Oi, vi a promoção!')
    await page.locator('[data-test-id="inbox-badge"][data-count="1"]').waitFor()
    await simulateReply(instance, ana.phone, 'Ainda vale?')
    await simulateReply(instance, uniqueMobile(), 'Quem fala?')
    await page.locator('[data-test-id="inbox-badge"][data-count="2"]').waitFor()
    assert.equal(await badge.getAttribute('title'), '2 unread conversations')

    await page
      .locator(`[data-test-id="conversation-row"][data-id="${first.conversationId}"]`)
      .click()
    await page.locator('[data-test-id="inbox-badge"][data-count="1"]').waitFor()

    await page.locator('[data-test-id="main-nav"] a[href="/contacts"]').click()
    await page.waitForURL('**/contacts')
    await page.locator('[data-test-id="inbox-badge"][data-count="1"]').waitFor()
    await simulateReply(instance, ana.phone, 'Alô?')
    await page.locator('[data-test-id="inbox-badge"][data-count="2"]').waitFor()
    assert.equal(await badge.locator('[aria-hidden="true"]').innerText(), '2')
    await capture(page, 'inbox-badge-en')
  }).timeout(120_000)

  test('phone shows one pane at a time', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const instance = await pairedSandbox(tenant.id)
    const dora = await runInTenant(tenant.id, () =>
      Contact.create({
        name: 'Dora Reis',
        phone: uniqueMobile(),
        timezone: 'America/Sao_Paulo',
        consent: 'unknown',
      })
    )
    const inbound = await simulateReply(instance, dora.phone, 'Quero o *20% de desconto*')
    await browserContext.loginAs(owner)

    const page = await visit('/inbox')
    await page.setViewportSize(PHONE)
    const row = page.locator(
      `[data-test-id="conversation-row"][data-id="${inbound.conversationId}"]`
    )
    await row.waitFor()
    const preview = row.locator('[data-test-id="conversation-preview"]')
    assert.equal(await preview.locator('strong').innerText(), '20% de desconto')
    assert.notInclude(await preview.innerText(), '*')
    assert.isAtLeast((await row.boundingBox())!.width, 340)
    await capture(page, 'inbox-phone-list')

    await row.click()
    const pane = page.locator('[data-test-id="conversation-pane"]')
    const side = page.locator('[data-test-id="conversation-side"]')
    await pane.waitFor()
    assert.isFalse(await row.isVisible())
    assert.isFalse(await side.isVisible())
    assert.isFalse(await page.locator('[data-test-id="inbox-filters"]').isVisible())
    assert.isAtLeast((await pane.boundingBox())!.width, 340)
    const send = (await page.locator('[data-test-id="composer-send"]').boundingBox())!
    assert.isAtMost(send.x + send.width, PHONE.width)
    assert.isAtMost(send.y + send.height, PHONE.height)
    await capture(page, 'inbox-phone-conversation')

    await page.locator('[data-test-id="pane-contact"]').click()
    await side.waitFor()
    assert.isFalse(await pane.isVisible())
    assert.isAtLeast((await side.boundingBox())!.width, 340)
    assert.include(await side.locator('.consent-line').innerText(), 'Consentimento:')
    assert.equal(await side.locator('[data-test-id="contact-consent"]').innerText(), 'Desconhecido')
    await side.locator('[data-test-id="contact-consent-help"]').waitFor()
    await capture(page, 'inbox-phone-contact')

    await page.locator('[data-test-id="side-back"]').click()
    await pane.waitFor()
    assert.isFalse(await side.isVisible())
    await page.locator('[data-test-id="pane-back"]').click()
    await row.waitFor()
    assert.isFalse(await pane.isVisible())
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
    }))
    assert.isAtMost(widths.page, widths.window)
  }).timeout(60_000)

  test('wider screens show panes side by side', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const instance = await pairedSandbox(tenant.id)
    const ana = await createContact(tenant.id, 'Ana Souza')
    const inbound = await simulateReply(instance, ana.phone, 'Oi, vi a promoção!')
    await browserContext.loginAs(owner)

    const page = await visit(`/inbox?conversation=${inbound.conversationId}`)
    const list = page.locator('[data-test-id="conversation-list"]')
    const pane = page.locator('[data-test-id="conversation-pane"]')
    const side = page.locator('[data-test-id="conversation-side"]')
    const contactButton = page.locator('[data-test-id="pane-contact"]')
    await page.setViewportSize(DESKTOP)
    await side.waitFor()
    const desktop = [await list.boundingBox(), await pane.boundingBox(), await side.boundingBox()]
    assert.isBelow(desktop[0]!.x, desktop[1]!.x)
    assert.isBelow(desktop[1]!.x, desktop[2]!.x)
    assert.isFalse(await contactButton.isVisible())
    assert.isFalse(await page.locator('[data-test-id="pane-back"]').isVisible())
    await capture(page, 'inbox-desktop')

    await page.setViewportSize(LAPTOP)
    await page.waitForTimeout(100)
    assert.isTrue(await list.isVisible())
    assert.isFalse(await side.isVisible())
    assert.isAtLeast((await pane.boundingBox())!.width, 400)
    assert.isFalse(await page.locator('[data-test-id="pane-back"]').isVisible())
    await capture(page, 'inbox-laptop-conversation')

    await contactButton.click()
    await side.waitFor()
    assert.isTrue(await list.isVisible())
    assert.isFalse(await pane.isVisible())
    await capture(page, 'inbox-laptop-contact')
    await page.locator('[data-test-id="side-back"]').click()
    await pane.waitFor()
  }).timeout(60_000)
})

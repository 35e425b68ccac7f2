import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import type { Locator, Page } from 'playwright'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'

/** Returns the background and text colours of a badge. */
function coloursOf(badge: Locator) {
  return badge.evaluate((element) => {
    const style = getComputedStyle(element)
    return { background: style.backgroundColor, text: style.color }
  })
}

/** Creates a connected and a disconnected number, named “Vendas” and “Suporte”. */
async function createPair(tenantId: number) {
  return runInTenant(tenantId, async () => ({
    open: await ChannelInstance.create({
      name: 'Vendas',
      channel: 'sandbox',
      status: 'open',
      accountAddress: '5511990001111',
    }),
    closed: await ChannelInstance.create({ name: 'Suporte', channel: 'sandbox', status: 'closed' }),
  }))
}

/** Checks that the two badges differ in colour and each shows its state in words. */
async function assertDistinct(assert: Assert, open: Locator, closed: Locator, words: string[]) {
  const openText = await open.innerText()
  const closedText = await closed.innerText()
  assert.equal(openText.trim(), words[0])
  assert.equal(closedText.trim(), words[1])
  const openColours = await coloursOf(open)
  const closedColours = await coloursOf(closed)
  assert.notEqual(openColours.background, closedColours.background)
  assert.notEqual(openColours.text, closedColours.text)
}

/** Accepts or dismisses the next dialog and returns its message. */
function answerDialog(page: Page, accept: boolean) {
  return new Promise<string>((resolve) => {
    page.once('dialog', async (dialog) => {
      resolve(dialog.message())
      await (accept ? dialog.accept() : dialog.dismiss())
    })
  })
}

test.group('Connection states page', () => {
  test('dashboard badges differ by state', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Connections')
    const { open, closed } = await createPair(tenant.id)
    await browserContext.loginAs(owner)

    const page = await visit('/')
    await assertDistinct(
      assert,
      page.locator(`[data-test-id="dashboard-status-${open.id}"]`),
      page.locator(`[data-test-id="dashboard-status-${closed.id}"]`),
      ['Connected', 'Disconnected']
    )
    await capture(page, 'dashboard-states-en')

    const connections = await visit('/connections')
    await assertDistinct(
      assert,
      connections.locator(
        `[data-test-id="connection-${open.id}"] [data-test-id="connection-status"]`
      ),
      connections.locator(
        `[data-test-id="connection-${closed.id}"] [data-test-id="connection-status"]`
      ),
      ['Connected', 'Disconnected']
    )
  }).timeout(60_000)

  test('badges differ in Portuguese', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Conexões')
    owner.locale = 'pt-BR'
    await owner.save()
    const { open, closed } = await createPair(tenant.id)
    await browserContext.loginAs(owner)

    const page = await visit('/')
    await assertDistinct(
      assert,
      page.locator(`[data-test-id="dashboard-status-${open.id}"]`),
      page.locator(`[data-test-id="dashboard-status-${closed.id}"]`),
      ['Conectado', 'Desconectado']
    )
    await capture(page, 'dashboard-states-pt-BR')
  }).timeout(60_000)

  test('disconnect asks and reports', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Connections')
    const { open } = await createPair(tenant.id)
    await browserContext.loginAs(owner)

    const page = await visit('/connections')
    const card = page.locator(`[data-test-id="connection-${open.id}"]`)
    const declined = answerDialog(page, false)
    await card.locator('[data-test-id="action-disconnect"]').click()
    assert.equal(
      await declined,
      'Disconnect “Vendas” (5511990001111)? The connection stops sending and receiving ' +
        'messages until you press Connect again. The phone stays linked.'
    )
    await page.waitForTimeout(300)
    const unchanged = await runInTenant(tenant.id, () => ChannelInstance.findOrFail(open.id))
    assert.equal(unchanged.status, 'open')

    const accepted = answerDialog(page, true)
    await card.locator('[data-test-id="action-disconnect"]').click()
    await accepted
    const flash = page.locator('[data-test-id="flash-success"]')
    await flash.waitFor()
    assert.include(
      await flash.innerText(),
      'The connection “Vendas” is disconnected. The phone stays linked: press Connect to use it again.'
    )
    await page.locator(`[data-test-id="connection-${open.id}"][data-status="closed"]`).waitFor()
    await capture(page, 'connection-disconnected-en')
  }).timeout(60_000)

  test('disconnect in Portuguese', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Conexões')
    owner.locale = 'pt-BR'
    await owner.save()
    const { open } = await createPair(tenant.id)
    await browserContext.loginAs(owner)

    const page = await visit('/connections')
    const accepted = answerDialog(page, true)
    await page
      .locator(`[data-test-id="connection-${open.id}"] [data-test-id="action-disconnect"]`)
      .click()
    assert.equal(
      await accepted,
      'Desconectar “Vendas” (5511990001111)? A conexão deixa de enviar e receber mensagens ' +
        'até você clicar em Conectar de novo. O celular continua vinculado.'
    )
    const flash = page.locator('[data-test-id="flash-success"]')
    await flash.waitFor()
    assert.include(
      await flash.innerText(),
      'A conexão “Vendas” foi desconectada. O celular continua vinculado: ' +
        'clique em Conectar para usá-la de novo.'
    )
    await capture(page, 'connection-disconnected-pt-BR')
  }).timeout(60_000)
})

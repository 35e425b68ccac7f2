import { test } from '@japa/runner'
import type { Page } from 'playwright'
import ChannelInstance from '#models/channel_instance'
import { runInTenant } from '#tenancy/tenant_context'
import { createInstance } from '#services/channels/instance_service'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'

const PHONE = '+5511987650001'

/** Expected help lines and questions of the actions that stop a connection, in each language. */
const TEXTS = {
  'en': {
    disconnect: 'Disconnect: Campaigns stop sending from this number until you press Connect.',
    drop: 'Drop connection: For testing: cuts the network for a moment.',
    logout: 'Unlink phone: Removes the link with the phone: sends stop',
    confirmDisconnect: `Disconnect “Sales” (${PHONE})? The connection stops sending and receiving`,
    confirmLogout: `Unlink the phone “Sales” (${PHONE})? Sends stop`,
  },
  'pt-BR': {
    disconnect: 'Desconectar: As campanhas param de enviar por este número',
    drop: 'Derrubar conexão: Para testes: derruba a rede por um momento.',
    logout: 'Desvincular celular: Desfaz o vínculo com o celular: os envios param',
    confirmDisconnect: `Desconectar “Sales” (${PHONE})? A conexão deixa de enviar e receber`,
    confirmLogout: `Desvincular o celular “Sales” (${PHONE})? Os envios param`,
  },
}

/** Opens the connections page with one sandbox number paired and connected. */
async function openConnections(visit: any, browserContext: any, locale: string) {
  const { tenant, owner } = await createTenantWithOwner('Connections')
  owner.locale = locale
  await owner.save()
  const instance = await runInTenant(tenant.id, async () => {
    const created = await createInstance({ name: 'Sales', channel: 'sandbox', config: {} })
    await ChannelInstance.query()
      .where('id', created.id)
      .update({ status: 'open', account_address: PHONE })
    return created
  })
  await browserContext.loginAs(owner)
  const page: Page = await visit('/connections')
  const card = page.locator(`[data-test-id="connection-${instance.id}"][data-status="open"]`)
  await card.waitFor()
  return { page, card, tenant, instance }
}

/** Clicks a button, dismisses the confirm dialog it opens and returns the dialog's message. */
async function dismissedQuestion(page: Page, button: ReturnType<Page['locator']>) {
  const question = new Promise<string>((resolve) => {
    page.once('dialog', async (dialog) => {
      resolve(dialog.message())
      await dialog.dismiss()
    })
  })
  await button.click()
  return question
}

test.group('Connection actions', () => {
  test('{locale} actions explain themselves')
    .with([{ locale: 'en' as const }, { locale: 'pt-BR' as const }])
    .run(async ({ visit, browserContext, assert }, { locale }) => {
      const texts = TEXTS[locale]
      const { page, card, tenant, instance } = await openConnections(visit, browserContext, locale)

      const help = card.locator('[data-test-id="connection-action-help"]')
      assert.include(
        await help.locator('[data-test-id="action-help-disconnect"]').innerText(),
        texts.disconnect
      )
      assert.include(
        await help.locator('[data-test-id="action-help-drop"]').innerText(),
        texts.drop
      )
      assert.include(
        await help.locator('[data-test-id="action-help-logout"]').innerText(),
        texts.logout
      )
      await capture(page, `connection-actions-${locale}`)

      const disconnect = card.locator('[data-test-id="action-disconnect"]')
      assert.include(await dismissedQuestion(page, disconnect), texts.confirmDisconnect)
      const logout = card.locator('[data-test-id="action-logout"]')
      assert.include(await dismissedQuestion(page, logout), texts.confirmLogout)

      const stored = await runInTenant(tenant.id, () => ChannelInstance.findOrFail(instance.id))
      assert.equal(stored.status, 'open', 'a dismissed question leaves the number connected')
      assert.equal(stored.accountAddress, PHONE, 'a dismissed question keeps the phone linked')
    })
    .timeout(60_000)
})

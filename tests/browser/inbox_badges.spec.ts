import { test } from '@japa/runner'
import Contact from '#models/contact'
import type { ChannelsRole } from '#processes/channels_role'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'
import { pairedSandbox, startChannelsRole } from '#tests/helpers/channels'
import { simulateReply } from '#tests/helpers/inbox'

/**
 * The conversation list keeps an opted-out contact's badge whole at every
 * width, and phone numbers read the way people write them.
 */
test.group('Inbox badges and numbers', (group) => {
  let role: ChannelsRole
  group.setup(async () => {
    role = await startChannelsRole()
    return () => role.stop()
  })

  test('opted-out badge whole, phone formatted', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    const instance = await pairedSandbox(tenant.id)
    instance.name = 'Atendimento principal da loja do centro'
    await runInTenant(tenant.id, () => instance.save())
    const contact = await runInTenant(tenant.id, () =>
      Contact.create({
        name: 'Maria Aparecida de Souza Figueiredo',
        phone: '+5531988770003',
        timezone: 'America/Sao_Paulo',
        consent: 'opted_in',
      })
    )
    await simulateReply(instance, contact.phone, 'SAIR')
    contact.consent = 'opted_out'
    await runInTenant(tenant.id, () => contact.save())
    await browserContext.loginAs(owner)

    const page = await visit('/inbox')
    for (const size of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(size)
      const badge = page.locator('[data-test-id="conversation-opted-out"]')
      await badge.waitFor()
      assert.equal(await badge.innerText(), 'Descadastrado')
      const clipped = await badge.evaluate((element) => element.scrollWidth > element.clientWidth)
      assert.isFalse(clipped, `the badge is cut at ${size.width} px`)
      await capture(page, `inbox-badge-${size.width}`)
    }

    await page.setViewportSize({ width: 1280, height: 900 })
    await page.locator('[data-test-id="conversation-row"]').first().click()
    const title = page.locator('.pane-title')
    await title.waitFor()
    assert.include(await title.innerText(), '+55 31 98877 0003')
    assert.notInclude(await title.innerText(), '+5531988770003')
  }).timeout(90_000)
})

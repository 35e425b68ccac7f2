import { test } from '@japa/runner'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { createTokenFor } from '#tests/helpers/api'
import { capture } from '#tests/helpers/browser_pages'

test.group('API tokens page', () => {
  test('former member is flagged', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Tokens')
    owner.locale = 'pt-BR'
    await owner.save()
    const { user: admin, membership } = await addMember(tenant.id, 'admin')
    const { token } = await createTokenFor(tenant.id, 'write', { createdBy: admin.id })
    await membership.delete()
    await browserContext.loginAs(owner)

    const page = await visit('/settings/api-tokens')
    const creator = page.locator(`[data-test-id="api-token-creator-${token.id}"]`)
    await creator.waitFor()
    assert.equal(await creator.innerText(), `${admin.fullName} (não é mais membro)`)
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
    }))
    assert.isAtMost(widths.page, widths.window, 'the token table is wider than the window')
    await capture(page, 'api-tokens-former-member-pt-BR')
  }).timeout(60_000)

  test('removal asks about the tokens', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createTenantWithOwner('Tokens')
    const { user: admin, membership } = await addMember(tenant.id, 'admin')
    await createTokenFor(tenant.id, 'write', { createdBy: admin.id })
    await browserContext.loginAs(owner)

    const page = await visit('/settings/members')
    const questions: string[] = []
    page.on('dialog', async (dialog) => {
      questions.push(dialog.message())
      await dialog.dismiss()
    })
    await page.locator(`[data-test-id="member-remove-${membership.id}"]`).click()
    await page.waitForTimeout(300)
    assert.deepEqual(questions, [
      `Remove ${admin.email} from this workspace? The API token they created keeps working: ` +
        'revoke it under Settings > API tokens if it should stop.',
    ])
  }).timeout(60_000)
})

import { test } from '@japa/runner'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { capture } from '#tests/helpers/browser_pages'

/**
 * Every entry of the main navigation, the plugins' included, has an icon of
 * its own, and the top bar's "+" is named for screen readers and on hover.
 */
test.group('Main navigation', () => {
  test('icons distinct, new workspace named', async ({ visit, browserContext, assert }) => {
    const { owner } = await createTenantWithOwner('Navegação')
    await browserContext.loginAs(owner)

    for (const [locale, name] of [
      ['en', 'New workspace'],
      ['pt-BR', 'Novo espaço de trabalho'],
    ]) {
      owner.locale = locale
      await owner.save()
      const page = await visit('/')
      const nav = page.locator('[data-test-id="main-nav"]')
      await nav.waitFor()

      const links = await nav.locator('.nav-link').evaluateAll((elements) =>
        elements.map((element) => ({
          label: element.textContent!.replace(/\s+/g, ' ').trim(),
          icon: element.querySelector('.nav-icon')!.textContent!.trim(),
        }))
      )
      assert.isAtLeast(links.length, 11, 'the core and plugin entries are shown')
      const icons = links.map((link) => link.icon)
      assert.lengthOf(new Set(icons), icons.length, `icons repeat: ${JSON.stringify(links)}`)

      const newWorkspace = page.getByRole('link', { name })
      assert.equal(await newWorkspace.getAttribute('data-test-id'), 'new-workspace-link')
      assert.equal(await newWorkspace.getAttribute('title'), name)
      await capture(page, `main-nav-${locale}`)
    }
  })
})

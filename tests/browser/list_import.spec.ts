import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import ContactList from '#models/contact_list'
import { runInTenant } from '#tenancy/tenant_context'
import { createAudienceTenant, startImportWorker } from '#tests/helpers/audience'
import { capture, submitCsvUpload } from '#tests/helpers/browser_pages'

/**
 * A list's page opens the contact import with that list ticked, so the
 * file's contacts join it without choosing it again.
 */
test.group('List import page', (group) => {
  group.setup(async () => {
    const stop = await startImportWorker()
    return () => stop()
  })

  test('import opens with the list ticked', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const [clients, others] = await runInTenant(tenant.id, () =>
      ContactList.createMany([{ name: 'Clientes VIP' }, { name: 'Fornecedores' }])
    )
    await browserContext.loginAs(owner)

    for (const [locale, label] of [
      ['en', 'Import into this list'],
      ['pt-BR', 'Importar para esta lista'],
    ]) {
      owner.locale = locale
      await owner.save()
      const page = await visit(`/lists/${clients.id}`)
      const link = page.locator('[data-test-id="list-import"]')
      assert.equal(await link.innerText(), label)
      await capture(page, `list-import-link-${locale}`)
    }

    const page = await visit(`/lists/${clients.id}`)
    await page.locator('[data-test-id="list-import"]').click()
    await page.waitForURL((url) => url.pathname === '/contacts/imports/new')
    await page.assertTextContains('[data-test-id="import-target-list"]', 'Clientes VIP')
    await capture(page, 'list-import-upload')
    await submitCsvUpload(page, 'vip.csv', 'Nome;Telefone\nAna;11990005001\nBia;11990005002')

    await page.locator('[data-test-id="import-mapping"]').waitFor()
    assert.isTrue(await page.locator(`[data-test-id="import-list-${clients.id}"]`).isChecked())
    assert.isFalse(await page.locator(`[data-test-id="import-list-${others.id}"]`).isChecked())
    await capture(page, 'list-import-mapping')
    await page.locator('[data-test-id="import-start"]').click()

    await page.locator('[data-test-id="import-report"]').waitFor()
    const members = await db
      .from('contact_list_members')
      .where('contact_list_id', clients.id)
      .count('* as total')
    assert.equal(Number(members[0].total), 2)
  }).timeout(90_000)
})

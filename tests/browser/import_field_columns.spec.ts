import { test } from '@japa/runner'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { createAudienceTenant, startImportWorker } from '#tests/helpers/audience'
import { capture, submitCsvUpload } from '#tests/helpers/browser_pages'

test.group('Import field columns page', (group) => {
  group.setup(async () => {
    const stop = await startImportWorker()
    return () => stop()
  })

  test('field columns mapped, phone hint shown', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await runInTenant(tenant.id, () =>
      CustomField.createMany([
        { key: 'aniversario', label: 'Aniversário', type: 'date', options: [] },
        { key: 'valor_gasto', label: 'Valor gasto', type: 'number', options: [] },
      ])
    )
    await browserContext.loginAs(owner)
    const csv = [
      'Nome;Telefone;ANIVERSÁRIO;valor_gasto',
      'Ana;11990004001;1990-05-04;120',
      'Bia;abc-defg;1991-06-05;80',
    ].join('\n')

    const page = await visit('/contacts/imports/new')
    await submitCsvUpload(page, 'campos.csv', csv)
    await page.locator('[data-test-id="import-mapping"]').waitFor()
    assert.equal(await page.locator('[data-test-id="mapping-2"]').inputValue(), 'field:aniversario')
    assert.equal(await page.locator('[data-test-id="mapping-3"]').inputValue(), 'field:valor_gasto')
    await capture(page, 'import-field-columns-mapping')
    await page.locator('[data-test-id="import-start"]').click()

    await page.locator('[data-test-id="import-report"]').waitFor()
    await page.assertTextContains('[data-test-id="count-rejected"]', '1')
    await page.assertTextContains(
      '[data-test-id="report-row-3"]',
      '"abc-defg" não é um número de telefone. Inclua o DDD, como (11) 98765-4321, ' +
        'ou o código do país, como +1 415 555 0100.'
    )
    await capture(page, 'import-field-columns-report')
  }).timeout(90_000)
})

import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
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

  test('column gets a new custom field', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)
    const csv = ['Nome;Telefone;Plano contratado', 'Ana;11990004101;Ouro'].join('\n')

    const page = await visit('/contacts/imports/new')
    await submitCsvUpload(page, 'planos.csv', csv)
    await page.locator('[data-test-id="import-mapping"]').waitFor()
    const column = page.locator('[data-test-id="mapping-2"]')
    const before = await column.inputValue()
    await page.locator('[data-test-id="mapping-0"]').selectOption('ignore')

    await column.selectOption('new-field')
    const form = page.locator('[data-test-id="new-field-form"]')
    await form.waitFor()
    // The column keeps its target until the field exists.
    assert.equal(await column.inputValue(), before)
    assert.equal(
      await page.locator('[data-test-id="new-field-label"]').inputValue(),
      'Plano contratado'
    )
    assert.equal(
      await page.locator('[data-test-id="new-field-key"]').inputValue(),
      'plano_contratado'
    )

    // A taken name is named beside its input, and the form stays open.
    await page.locator('[data-test-id="new-field-key"]').fill('phone')
    await page.locator('[data-test-id="new-field-create"]').click()
    await page.locator('#new-field-error-key').getByText('phone').waitFor()
    await capture(page, 'import-new-field-error')

    await page.locator('[data-test-id="new-field-key"]').fill('plano')
    await page.locator('[data-test-id="new-field-create"]').click()
    await form.waitFor({ state: 'detached' })
    assert.equal(await column.inputValue(), 'field:plano')
    // The rest of the mapping the member chose is kept.
    assert.equal(await page.locator('[data-test-id="mapping-0"]').inputValue(), 'ignore')
    const fields = await runInTenant(tenant.id, () => CustomField.all())
    assert.deepEqual(
      fields.map((field) => [field.key, field.label, field.type]),
      [['plano', 'Plano contratado', 'text']]
    )
    await capture(page, 'import-new-field-mapped')

    await page.locator('[data-test-id="import-start"]').click()
    await page.locator('[data-test-id="import-report"]').waitFor()
    await page.assertTextContains('[data-test-id="count-created"]', '1')
    const [stored] = await db
      .from('contact_field_values')
      .where('custom_field_id', fields[0].id)
      .select('text_value')
    assert.equal(stored?.text_value, 'Ouro')
  }).timeout(90_000)

  test('new separator maps the new columns', async ({ visit, browserContext, assert }) => {
    const { owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)
    const csv = ['Nome;Telefone;Cidade', 'Ana;11990004201;Recife'].join('\n')

    const page = await visit('/contacts/imports/new')
    await submitCsvUpload(page, 'separador.csv', csv)
    await page.locator('[data-test-id="import-mapping"]').waitFor()
    assert.equal(await page.locator('[data-test-id="mapping-2"]').count(), 1)

    // Read with commas, the whole line is one column, with no phone in it.
    await page.locator('[data-test-id="import-delimiter"]').selectOption(',')
    await page.getByRole('button', { name: 'Read again' }).click()
    await page.locator('[data-test-id="mapping-1"]').waitFor({ state: 'detached' })
    await page.locator('[data-test-id="import-start"]').click()
    await page.getByText('Choose the column that holds the phone number.').waitFor()
    assert.equal(await page.getByText("The mapping does not match the file's columns").count(), 0)

    // Back to semicolons, the three columns come back with their targets.
    await page.locator('[data-test-id="import-delimiter"]').selectOption(';')
    await page.getByRole('button', { name: 'Read again' }).click()
    await page.locator('[data-test-id="mapping-2"]').waitFor()
    assert.equal(await page.locator('[data-test-id="mapping-1"]').inputValue(), 'phone')
    await page.locator('[data-test-id="import-start"]').click()
    await page.locator('[data-test-id="import-report"]').waitFor()
    await page.assertTextContains('[data-test-id="count-created"]', '1')
  }).timeout(90_000)
})

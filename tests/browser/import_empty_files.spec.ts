import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import ContactImport from '#models/contact_import'
import { runInTenant } from '#tenancy/tenant_context'
import { createAudienceTenant } from '#tests/helpers/audience'
import { capture, submitCsvUpload } from '#tests/helpers/browser_pages'

test.group('Import of files without contacts', () => {
  test('empty and header-only files rejected', async ({ visit, browserContext }) => {
    const { owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/contacts/imports/new')
    await submitCsvUpload(page, 'vazio.csv', Buffer.alloc(0))
    await page.assertTextContains(
      '[data-test-id="import-file-error"]',
      '“vazio.csv” está vazio. Escolha um arquivo CSV com uma linha de cabeçalho'
    )
    await capture(page, 'import-empty-file-pt-BR')

    await submitCsvUpload(page, 'cabecalho.csv', 'nome,telefone\n')
    await page.assertTextContains(
      '[data-test-id="import-file-error"]',
      '“cabecalho.csv” tem a linha de cabeçalho, mas nenhum contato abaixo dela.'
    )
    await capture(page, 'import-header-only-pt-BR')
  }).timeout(60_000)

  test('finished import without rows says so', async ({ visit, browserContext }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    const contactImport = await runInTenant(tenant.id, () =>
      ContactImport.create({
        userId: owner.id,
        fileName: 'antigo.csv',
        fileKey: 'imports/missing.csv',
        fileSize: 0,
        encoding: 'utf-8',
        delimiter: ',',
        status: 'finished',
        mapping: [],
        options: { duplicates: 'skip', tags: [], listIds: [] },
        finishedAt: DateTime.now(),
      })
    )
    await browserContext.loginAs(owner)

    const page = await visit(`/contacts/imports/${contactImport.id}`)
    await page.assertTextContains('main', '0 linhas lidas')
    await page.assertTextContains(
      '[data-test-id="report-no-rows"]',
      'O arquivo não tinha linhas abaixo do cabeçalho, então nenhum contato foi importado.'
    )
    await capture(page, 'import-without-rows-pt-BR')
  }).timeout(60_000)
})

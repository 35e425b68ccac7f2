import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Contact from '#models/contact'
import ContactImport from '#models/contact_import'
import ContactList from '#models/contact_list'
import CustomField from '#models/custom_field'
import Segment from '#models/segment'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { createAudienceTenant, startImportWorker } from '#tests/helpers/audience'
import { xlsxWorkbook } from '#tests/helpers/office_files'
import { submitCsvUpload } from '#tests/helpers/browser_pages'

/**
 * Saves a full-page screenshot when SCREENSHOT_DIR is set, to review the
 * pages by eye; the tests never compare images.
 */
async function capture(page: { screenshot(options: object): Promise<unknown> }, name: string) {
  if (process.env.SCREENSHOT_DIR) {
    await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/${name}.png`, fullPage: true })
  }
}

test.group('Contacts import page', (group) => {
  group.setup(async () => {
    const stop = await startImportWorker()
    return () => stop()
  })

  test('imports excel-ptbr.csv with mapping and report', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const { tenant, owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)

    const page = await visit('/contacts/imports/new')
    await capture(page, 'import-upload')
    await page
      .locator('[data-test-id="import-file"]')
      .setInputFiles(app.makePath('tests/fixtures/contacts/excel-ptbr.csv'))
    await page.locator('[data-test-id="import-upload-submit"]').click()

    await page.waitForURL(/\/contacts\/imports\/\d+$/, { waitUntil: 'commit' })
    await page.assertTextContains('[data-test-id="import-mapping"]', 'Observação')
    await page.assertTextContains('[data-test-id="import-mapping"]', 'Luís Gonçalves')
    assert.equal(await page.locator('[data-test-id="mapping-1"]').inputValue(), 'phone')
    await page.locator('[data-test-id="mapping-3"]').selectOption('ignore')
    await page.locator('[data-test-id="mapping-3"]').selectOption('notes')
    await page.locator('[data-test-id="import-tags"]').fill('planilha')
    await capture(page, 'import-mapping')
    await page.locator('[data-test-id="import-start"]').click()

    await page.locator('[data-test-id="import-progress"][data-status="finished"]').waitFor()
    await page.locator('[data-test-id="import-report"]').waitFor()
    await page.assertTextContains('[data-test-id="count-created"]', '6')
    await page.assertTextContains('[data-test-id="count-rejected"]', '1')
    await page.assertTextContains('[data-test-id="count-duplicates"]', '2')
    // Renato and Márcia are data rows 5 and 2, lines 6 and 3 of the file under its header.
    await page.assertTextContains('[data-test-id="report-row-6"]', '1,19877E+10')
    await page.assertTextContains('[data-test-id="report-row-3"]', 'ninth digit')
    assert.equal(
      await page.locator('[data-test-id="import-progress"]').getAttribute('aria-valuenow'),
      '100'
    )
    await capture(page, 'import-report')

    const download = page.waitForEvent('download')
    await page.locator('[data-test-id="report-download"]').click()
    const file = await download
    assert.match(file.suggestedFilename(), /excel-ptbr-report\.csv$/)

    const tagged = await runInTenant(tenant.id, () =>
      Contact.query()
        .whereHas('tags', (tags) => tags.where('name', 'planilha'))
        .count('* as total')
    )
    assert.equal(Number(tagged[0].$extras.total), 6)

    const contacts = await visit('/contacts')
    await contacts.assertTextContains('[data-test-id="contacts-table"]', 'Márcia Conceição')
    await capture(contacts, 'contacts-index')
  })
})

test.group('Contacts import problems in Portuguese', (group) => {
  group.setup(async () => {
    const stop = await startImportWorker()
    return () => stop()
  })

  test('report names the lines of the file', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    const { list, ana } = await runInTenant(tenant.id, async () => ({
      list: await ContactList.create({ name: 'Feira de maio' }),
      ana: await saveContact(tenant, { name: 'Ana Antiga', phone: '11990003001', city: 'Santos' }),
    }))
    await browserContext.loginAs(owner)
    const csv = [
      'nome,celular,cidade',
      'Ana Nova,11990003001,Recife',
      'Bia,11990003002,"São Paulo',
      `Caio,11990003003,${'C'.repeat(121)}`,
      'Dani,11990003004,"Natal, RN"',
      'Dani de novo,(11) 99000-3004,',
    ].join('\n')

    const page = await visit('/contacts/imports/new')
    await submitCsvUpload(page, 'feira.csv', csv)
    await page.locator('[data-test-id="import-mapping"]').waitFor()
    await page.locator('label', { hasText: 'Feira de maio' }).locator('input').check()
    await capture(page, 'import-mapping-pt')
    await page.locator('[data-test-id="import-start"]').click()

    await page.locator('[data-test-id="import-report"]').waitFor()
    await page.assertTextContains('[data-test-id="count-created"]', '1')
    await page.assertTextContains('[data-test-id="count-kept"]', '1')
    await page.assertTextContains('[data-test-id="count-kept"]', 'Já eram contatos')
    await page.assertTextContains('[data-test-id="count-duplicates"]', '1')
    await page.assertTextContains('[data-test-id="count-rejected"]', '2')
    await page.assertTextContains('[data-test-id="report-rows-help"]', 'o cabeçalho é a linha 1')
    await page.assertTextContains('[data-test-id="report-row-2"]', 'já era contato')
    await page.assertTextContains('[data-test-id="report-row-2"]', 'adicionado às listas')
    await page.assertTextContains(
      '[data-test-id="report-row-3"]',
      'A linha 3 tem uma aspa que nunca é fechada, aqui: Bia,11990003002,"São Paulo.'
    )
    await page.assertTextContains(
      '[data-test-id="report-row-4"]',
      'Linha 4, coluna "cidade": o valor tem 121 caracteres, mais que os 120'
    )
    await page.assertTextContains('[data-test-id="report-row-6"]', 'Mesmo número da linha 5.')
    await capture(page, 'import-report-pt')

    await ana.refresh()
    assert.equal(ana.name, 'Ana Antiga')
    assert.equal(ana.city, 'Santos')
    const member = await db
      .from('contact_list_members')
      .where({ contact_list_id: list.id, contact_id: ana.id })
      .first()
    assert.exists(member)
  })

  test('header and rule problems named', async ({ visit, browserContext, assert }) => {
    const pageErrors: string[] = []
    browserContext.on('weberror', (webError) => pageErrors.push(webError.error().message))
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    const segment = await runInTenant(tenant.id, () =>
      Segment.create({
        name: 'Data impossível',
        rules: { match: 'all', rules: [{ type: 'created', op: 'before', value: '2025-02-30' }] },
      })
    )
    await browserContext.loginAs(owner)

    const page = await visit('/contacts/imports/new')
    await submitCsvUpload(page, 'cabecalho.csv', 'nome,"celular\nAna,11990003101\n')
    await page.assertTextContains(
      '[data-test-id="header-problem"]',
      'O cabeçalho na linha 1 não pode ser lido, porque tem uma aspa que nunca é fechada, aqui: nome,"celular.'
    )
    assert.equal(await page.locator('[data-test-id="import-start"]').count(), 0)
    await capture(page, 'import-header-problem-pt')

    const editor = await visit(`/segments/${segment.id}`)
    await editor.assertTextContains(
      '[data-test-id="error-rules.0"]',
      'Regra 1 (Adicionado antes de): "2025-02-30" não é uma data que existe.'
    )
    await editor.locator('[data-test-id="segment-name"]').waitFor()
    await capture(editor, 'segment-date-pt')
    assert.deepEqual(pageErrors, [])
  })

  test('renamed workbook rejected on upload', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    owner.locale = 'pt-BR'
    await owner.save()
    await browserContext.loginAs(owner)

    const page = await visit('/contacts/imports/new')
    await submitCsvUpload(page, 'contatos.csv', xlsxWorkbook())
    await page.assertTextContains(
      '[data-test-id="import-file-error"]',
      '“contatos.csv” é uma pasta de trabalho do Excel, não um arquivo CSV. No Excel, use Arquivo › Salvar como › CSV UTF-8 e envie esse arquivo.'
    )
    await page.assertPath('/contacts/imports/new')
    await capture(page, 'import-upload-workbook-pt')
    const imports = await runInTenant(tenant.id, () => ContactImport.all())
    assert.lengthOf(imports, 0)
  })
})

test.group('Segments page', () => {
  test('build a segment and see its count', async ({ visit, browserContext }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await saveContact(tenant, {
        name: 'Ana',
        phone: '11990001001',
        city: 'Santos',
        tags: ['vip'],
      })
      await saveContact(tenant, {
        name: 'Bia',
        phone: '11990001002',
        city: 'Recife',
        tags: ['vip'],
      })
      await saveContact(tenant, { name: 'Caio', phone: '11990001003', city: 'Santos' })
    })
    await browserContext.loginAs(owner)

    const page = await visit('/segments/new')
    await page.locator('[data-test-id="segment-count"]').getByText('3 contacts match').waitFor()
    await page.locator('[data-test-id="add-rule"]').first().click()
    await page.locator('[data-test-id="rule-value"]').first().fill('vip')
    await page.locator('[data-test-id="segment-count"]').getByText('2 contacts match').waitFor()

    await page.locator('[data-test-id="add-rule"]').first().click()
    const second = page.locator('[data-test-id="rule-rules.1"]')
    await second.locator('[data-test-id="rule-type"]').selectOption('city')
    await second.locator('[data-test-id="rule-value"]').fill('Santos')
    await page.locator('[data-test-id="segment-count"]').getByText('1 contact matches').waitFor()

    await page.locator('[data-test-id="match-rules"]').selectOption('any')
    await page.locator('[data-test-id="segment-count"]').getByText('3 contacts match').waitFor()
    await page.locator('[data-test-id="match-rules"]').selectOption('all')
    await page.locator('[data-test-id="segment-name"]').fill('VIP de Santos')
    await capture(page, 'segment-editor')
    await page.locator('[data-test-id="segment-save"]').click()
    await page.waitForURL(/\/segments\/\d+$/, { waitUntil: 'commit' })
    await page.locator('[data-test-id="segment-count"]').getByText('1 contact matches').waitFor()

    const lists = await visit('/lists')
    await lists.assertTextContains('body', 'VIP de Santos')
    await capture(lists, 'lists-index')
  })
})

test.group('Template editor', () => {
  test('simulator renders bold text and a fallback', async ({ visit, browserContext, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, async () => {
      await CustomField.create({ key: 'pedido', label: 'Pedido', type: 'text', options: [] })
      await saveContact(tenant, { phone: '11990002001', fields: { pedido: 'A-17' } })
    })
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    await page.locator('[data-test-id="template-name"]').fill('Pedido enviado')
    await page
      .locator('[data-test-id="template-body"]')
      .fill('Olá {{nome|cliente}}, seu pedido *{{pedido}}* saiu. _Obrigado!_')
    const bubble = page.locator('[data-test-id="phone-bubble"]')
    await bubble.locator('strong').getByText('A-17').waitFor()
    await bubble.getByText('Olá cliente').waitFor()
    assert.equal(await bubble.locator('em').textContent(), 'Obrigado!')
    assert.notInclude((await bubble.textContent()) ?? '', '*')
    await capture(page, 'template-editor')

    await page.locator('[data-test-id="template-body"]').fill('Olá {{nome}}, {{sobrenome}}')
    await page.locator('[data-test-id="template-problem"]').getByText('line 1, column 15').waitFor()

    await page
      .locator('[data-test-id="template-body"]')
      .fill('Olá {{nome}}, seu pedido *{{pedido}}* saiu.')
    await page.locator('[data-test-id="preview-missing"]').waitFor()
    await page.locator('[data-test-id="template-save"]').click()
    await page.waitForURL(/\/templates\/\d+$/, { waitUntil: 'commit' })
    await capture(page, 'template-saved')
  })

  test('new template is not called empty', async ({ browserContext, visit, assert }) => {
    const { owner } = await createAudienceTenant()
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    const problems = page.locator('[data-test-id="template-problem"]')
    await page.waitForLoadState('networkidle')
    await page.waitForTimeout(500)
    assert.equal(await problems.count(), 0)

    await page.locator('[data-test-id="template-body"]').fill('Oi')
    await page.locator('[data-test-id="template-body"]').fill('')
    await problems.getByText('Write a message or attach a file.').waitFor()
  })

  test('editor fits a phone screen', async ({ browserContext, visit, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await runInTenant(tenant.id, () =>
      saveContact(tenant, { name: '"Dudu" Ferreira', phone: '11990002002' })
    )
    await browserContext.loginAs(owner)

    const page = await visit('/templates/new')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('[data-test-id="template-body"]').fill('Oi {{nome}}')
    // The name starts with a quote: the avatar shows the first letter instead.
    await page.locator('[data-test-id="phone-avatar"]', { hasText: 'D' }).waitFor()
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
    }))
    assert.isAtMost(widths.page, widths.window, 'the page scrolls sideways')
  })
})

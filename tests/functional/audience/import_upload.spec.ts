import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'
import i18nManager from '@adonisjs/i18n/services/main'
import ContactImport from '#models/contact_import'
import { runInTenant } from '#tenancy/tenant_context'
import { INERTIA_HEADERS, createAudienceTenant } from '#tests/helpers/audience'
import {
  odsSpreadsheet,
  pdfDocument,
  pngImageStart,
  xlsWorkbookHeader,
  xlsxWorkbook,
  zipArchive,
} from '#tests/helpers/office_files'

/** A zip archive with one entry, the container format of an Excel workbook. */
const ZIP = Buffer.from(
  'UEsDBBQAAAAAAPQxhV3HHBc8CAAAAAgAAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbDxUeXBlcy8+UEsBAhQDFAAAAAAA' +
    '9DGFXcccFzwIAAAACAAAABMAAAAAAAAAAAAAAIABAAAAAFtDb250ZW50X1R5cGVzXS54bWxQSwUGAAAAAAEAAQBBAAAA' +
    'OQAAAAAA',
  'base64'
)

async function switchLocale(user: User, locale: string) {
  user.locale = locale
  await user.save()
}

/** Files named as text whose content is not, with the rule and words of their rejection. */
const DISGUISED_FILES = [
  {
    name: 'xls renamed to csv',
    content: xlsWorkbookHeader(),
    filename: 'old-workbook.csv',
    rule: 'csvContentExcel',
    phrase: '“old-workbook.csv” is an Excel workbook, not a CSV file.',
  },
  {
    name: 'ods renamed to csv',
    content: odsSpreadsheet(),
    filename: 'calc.csv',
    rule: 'csvContentOpenDocument',
    phrase: 'In LibreOffice Calc, use File › Save As › Text CSV',
  },
  {
    name: 'zip renamed to csv',
    content: zipArchive({ 'contacts.csv': 'name,phone\nAna,+5511912340001\n' }),
    filename: 'archive.csv',
    rule: 'csvContentZip',
    phrase: '“archive.csv” is a ZIP archive, not a CSV file.',
  },
  {
    name: 'docx renamed to csv',
    content: zipArchive({
      '[Content_Types].xml': '<Types/>',
      'word/document.xml': '<w:document/>',
    }),
    filename: 'letter.csv',
    rule: 'csvContentZip',
    phrase: 'is a ZIP archive',
  },
  {
    name: 'pdf renamed to csv',
    content: pdfDocument(),
    filename: 'list.csv',
    rule: 'csvContentPdf',
    phrase: '“list.csv” is a PDF document, not a CSV file.',
  },
  {
    name: 'png renamed to txt',
    content: Buffer.concat([pngImageStart(), Buffer.from('name,phone\n')]),
    filename: 'photo.txt',
    rule: 'csvContentBinary',
    phrase: '“photo.txt” is a binary file, not a CSV file.',
  },
]

/** Uploads a file to the import as an API client does, so a rejection comes back as JSON. */
function uploadAsJson(client: ApiClient, user: User, content: Buffer, filename: string) {
  return client
    .post('/contacts/imports')
    .file('file', content, { filename })
    .accept('json')
    .loginAs(user)
    .withCsrfToken()
}

async function importCount(tenantId: number) {
  const imports = await runInTenant(tenantId, () => ContactImport.all())
  return imports.length
}

test.group('Contacts import upload', (group) => {
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('workbook names its extension in pt-BR', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()
    await switchLocale(owner, 'pt-BR')

    const response = await client
      .post('/contacts/imports')
      .file('file', ZIP, { filename: 'contatos.xlsx' })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(error.field, 'file')
    assert.include(error.message, '.xlsx')
    assert.include(error.message, 'Salve a planilha como CSV')
    assert.notInclude(error.message, 'zip')
  })

  test('workbook names its extension in en', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()

    const response = await client
      .post('/contacts/imports')
      .file('file', ZIP, { filename: 'people.XLSX' })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.include(error.message, '.xlsx')
    assert.include(error.message, 'Save the spreadsheet as CSV')
  })

  test('renamed xlsx is rejected in en', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()

    const response = await uploadAsJson(client, owner, xlsxWorkbook(), 'people.csv')

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(error.field, 'file')
    assert.equal(error.rule, 'csvContentExcel')
    assert.equal(
      error.message,
      '“people.csv” is an Excel workbook, not a CSV file. In Excel, use File › Save As › CSV UTF-8, then upload that file.'
    )
    assert.equal(await importCount(tenant.id), 0)
  })

  test('renamed xlsx is rejected in pt-BR', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()
    await switchLocale(owner, 'pt-BR')

    const response = await uploadAsJson(client, owner, xlsxWorkbook(), 'contatos.csv')

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(
      error.message,
      '“contatos.csv” é uma pasta de trabalho do Excel, não um arquivo CSV. No Excel, use Arquivo › Salvar como › CSV UTF-8 e envie esse arquivo.'
    )
  })

  test('renamed file is rejected: {name}')
    .with(DISGUISED_FILES)
    .run(async ({ client, assert }, file) => {
      const { tenant, owner } = await createAudienceTenant()

      const response = await uploadAsJson(client, owner, file.content, file.filename)

      response.assertStatus(422)
      const [error] = response.body().errors
      assert.equal(error.rule, file.rule)
      assert.include(error.message, file.phrase)
      assert.equal(await importCount(tenant.id), 0)
    })

  test('form upload redirects back with the error', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()

    const response = await client
      .post('/contacts/imports')
      .file('file', xlsxWorkbook(), { filename: 'people.csv' })
      .header('referer', '/contacts/imports/new')
      .redirects(0)
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(302)
    assert.equal(response.header('location'), '/contacts/imports/new')
    const errors = (response.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.include(errors.file?.[0], '“people.csv” is an Excel workbook')
  })

  test('utf-16 csv is accepted', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()
    const csv = 'nome,telefone\nLuís,+5511912340001\n'
    const files = [
      {
        filename: 'marked.csv',
        content: Buffer.from(`\uFEFF${csv}`, 'utf16le'),
        encoding: 'utf-16le',
      },
      { filename: 'unmarked.csv', content: Buffer.from(csv, 'utf16le'), encoding: 'utf-16le' },
      {
        filename: 'unmarked-be.csv',
        content: Buffer.from(csv, 'utf16le').swap16(),
        encoding: 'utf-16be',
      },
    ]

    for (const file of files) {
      const upload = await client
        .post('/contacts/imports')
        .file('file', file.content, { filename: file.filename })
        .redirects(0)
        .loginAs(owner)
        .withCsrfToken()
      upload.assertStatus(302)
      const page = await client
        .get(upload.header('location')!)
        .headers(INERTIA_HEADERS)
        .loginAs(owner)
      const { contactImport, headers, rows } = page.body().props
      assert.equal(contactImport.encoding, file.encoding, file.filename)
      assert.deepEqual(headers, ['nome', 'telefone'], file.filename)
      assert.deepEqual(rows, [['Luís', '+5511912340001']], file.filename)
    }
  })

  test('empty file is rejected in en', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()

    const response = await uploadAsJson(client, owner, Buffer.alloc(0), 'people.csv')

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(error.field, 'file')
    assert.equal(error.rule, 'csvEmpty')
    assert.equal(
      error.message,
      '“people.csv” is empty. Choose a CSV file with a header row and at least one contact below it, then upload that file.'
    )
    assert.equal(await importCount(tenant.id), 0)
  })

  test('empty file is rejected in pt-BR', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()
    await switchLocale(owner, 'pt-BR')

    const response = await uploadAsJson(client, owner, Buffer.alloc(0), 'contatos.csv')

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(
      error.message,
      '“contatos.csv” está vazio. Escolha um arquivo CSV com uma linha de cabeçalho e pelo menos um contato abaixo dela e envie esse arquivo.'
    )
  })

  test('file without contacts is rejected: {name}')
    .with([
      {
        name: 'byte order mark and blank lines',
        content: Buffer.from('\uFEFF\r\n\n  \n'),
        rule: 'csvEmpty',
      },
      { name: 'header only', content: Buffer.from('name,phone\n'), rule: 'csvNoRows' },
      { name: 'header without line break', content: Buffer.from('name;phone'), rule: 'csvNoRows' },
      {
        name: 'header and blank rows',
        content: Buffer.from('name,phone\r\n\r\n,\r\n'),
        rule: 'csvNoRows',
      },
      {
        name: 'utf-16 header only',
        content: Buffer.from('\uFEFFnome,telefone\n', 'utf16le'),
        rule: 'csvNoRows',
      },
    ])
    .run(async ({ client, assert }, file) => {
      const { tenant, owner } = await createAudienceTenant()

      const response = await uploadAsJson(client, owner, file.content, 'people.csv')

      response.assertStatus(422)
      const [error] = response.body().errors
      assert.equal(error.rule, file.rule)
      assert.include(error.message, '“people.csv”')
      assert.equal(await importCount(tenant.id), 0)
    })

  test('header-only file names the fix', async ({ client, assert }) => {
    const { owner } = await createAudienceTenant()

    const response = await uploadAsJson(client, owner, Buffer.from('name,phone\n'), 'people.csv')

    const [error] = response.body().errors
    assert.equal(
      error.message,
      '“people.csv” has a header row but no contacts below it. Add at least one contact on the lines after the header, then upload the file again.'
    )
  })

  test('one contact after the header is accepted', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()

    const response = await client
      .post('/contacts/imports')
      .file('file', Buffer.from('name,phone\n\n,+5511912340001'), { filename: 'people.csv' })
      .redirects(0)
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(302)
    assert.equal(await importCount(tenant.id), 1)
  })

  test('start without columns names the fix', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    await switchLocale(owner, 'pt-BR')
    const contactImport = await runInTenant(tenant.id, () =>
      ContactImport.create({
        userId: owner.id,
        fileName: 'vazio.csv',
        fileKey: 'imports/missing.csv',
        fileSize: 0,
        encoding: 'utf-8',
        delimiter: ',',
        status: 'uploaded',
        mapping: [],
        options: { duplicates: 'skip', tags: [], listIds: [] },
      })
    )

    const response = await client
      .post(`/contacts/imports/${contactImport.id}/start`)
      .json({ mapping: [], duplicates: 'skip' })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(422)
    const [error] = response.body().errors
    assert.equal(error.field, 'mapping')
    assert.equal(
      error.message,
      'Este arquivo não tem colunas para importar. Envie um arquivo CSV com uma linha de cabeçalho e pelo menos um contato.'
    )
  })

  test('summary counts zero rows in the plural', async ({ assert }) => {
    const portuguese = i18nManager.locale('pt-BR')
    assert.equal(portuguese.t('imports.progress', { rows: 0 }), '0 linhas lidas')
    assert.equal(portuguese.t('imports.progress', { rows: 1 }), '1 linha lida')
    assert.equal(portuguese.t('imports.progress', { rows: 2 }), '2 linhas lidas')
    const english = i18nManager.locale('en')
    assert.equal(english.t('imports.progress', { rows: 0 }), '0 rows read')
    assert.equal(english.t('imports.progress', { rows: 1 }), '1 row read')
    assert.equal(english.t('imports.progress', { rows: 2 }), '2 rows read')
  })

  test('csv file is accepted', async ({ client }) => {
    const { owner } = await createAudienceTenant()

    const response = await client
      .post('/contacts/imports')
      .file('file', Buffer.from('name,phone\nAna,+5511912340001\n'), { filename: 'people.csv' })
      .redirects(0)
      .loginAs(owner)
      .withCsrfToken()

    response.assertStatus(302)
  })
})

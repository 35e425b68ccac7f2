import { writeFile, mkdir } from 'node:fs/promises'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import Contact from '#models/contact'
import ContactImport from '#models/contact_import'
import ContactList from '#models/contact_list'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import {
  INERTIA_HEADERS,
  importThroughPages,
  startImportWorker,
  uploadThroughPage,
} from '#tests/helpers/audience'
import type { ReportEntry } from '#services/imports/contact_import_runner'

async function writeFixture(name: string, content: string) {
  const dir = app.makePath('tmp/contacts-tests')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${Date.now()}-${name}`
  await writeFile(path, content)
  return path
}

function byRow(entries: ReportEntry[], row: number) {
  return entries.find((entry) => entry.row === row)
}

/** Returns the lines of the report CSV after its header, keyed by the row in their first cell. */
function reportCsvRows(csv: string) {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .slice(1)
  return new Map(lines.map((line) => [Number(line.split(',')[0]), line]))
}

async function contactsOf(tenantId: number) {
  return runInTenant(tenantId, () => Contact.query().preload('tags').orderBy('phone'))
}

test.group('Contacts import checks', (group) => {
  group.setup(async () => {
    const stop = await startImportWorker()
    return () => stop()
  })
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('kept contacts join the chosen list', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const first = await writeFixture('first.csv', 'name,phone,city\nAna,11987650501,Santos\n')
    await importThroughPages(client, owner, tenant.id, first, { tags: 'old' })
    const list = await runInTenant(tenant.id, () => ContactList.create({ name: 'Feira' }))

    const second = await writeFixture(
      'second.csv',
      'name,phone,city\nAna Maria,+55 11 98765-0501,Recife\nBeto,11987650502,Natal\n'
    )
    const { finished, entries } = await importThroughPages(client, owner, tenant.id, second, {
      tags: 'feira',
      listIds: [list.id],
    })

    assert.equal(finished.keptCount, 1)
    assert.equal(finished.createdCount, 1)
    assert.equal(finished.duplicateCount, 0)
    assert.equal(byRow(entries, 2)?.status, 'kept')
    assert.deepEqual(byRow(entries, 2)?.messages[0], { code: 'kept_added_to_lists', values: {} })

    const [ana, beto] = await contactsOf(tenant.id)
    assert.equal(ana.name, 'Ana')
    assert.equal(ana.city, 'Santos')
    assert.deepEqual(
      ana.tags.map((tag) => tag.name),
      ['old']
    )
    assert.equal(beto.name, 'Beto')
    const members = await db
      .from('contact_list_members')
      .where('contact_list_id', list.id)
      .select('contact_id')
    assert.sameMembers(
      members.map((member) => member.contact_id),
      [ana.id, beto.id]
    )

    const page = await client
      .get(`/contacts/imports/${finished.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    assert.equal(page.body().props.contactImport.kept, 1)
    assert.equal(page.body().props.contactImport.duplicates, 0)
  })

  test('kept contact without lists stays out', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture('again.csv', 'name,phone\nCaio,11987650503\n')
    await importThroughPages(client, owner, tenant.id, file)

    const { finished, entries, reportCsv } = await importThroughPages(
      client,
      owner,
      tenant.id,
      file
    )

    assert.equal(finished.keptCount, 1)
    assert.deepEqual(byRow(entries, 2)?.messages[0], { code: 'kept', values: {} })
    assert.include(reportCsv, 'already a contact')
  })

  test('rows numbered by line of the file', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture(
      'lines.csv',
      [
        'name,phone,notes',
        'Ana,11987650601,"first line',
        'second line"',
        '',
        'Bad,12,',
        'Carla,11987650602,ok',
        'Ana again,+55 11 98765-0601,',
      ].join('\r\n') + '\r\n'
    )

    const { finished, entries, reportCsv } = await importThroughPages(
      client,
      owner,
      tenant.id,
      file
    )

    assert.equal(finished.createdCount, 2)
    assert.deepEqual(
      entries.map((entry) => [entry.row, entry.name, entry.status]),
      [
        [2, 'Ana', 'created'],
        [5, 'Bad', 'rejected'],
        [6, 'Carla', 'created'],
        [7, 'Ana again', 'duplicate'],
      ]
    )
    assert.deepEqual(byRow(entries, 7)?.messages[0], { code: 'same_as_row', values: { row: 2 } })

    const csvRows = reportCsvRows(reportCsv)
    assert.include(csvRows.get(5), 'Bad')
    assert.include(
      csvRows.get(5),
      'is not a phone number. Include the area code, such as (11) 98765-4321, ' +
        'or the country code, such as +1 415 555 0100.'
    )
    assert.include(csvRows.get(7), 'Same number as row 2.')
    const page = await client
      .get(`/contacts/imports/${finished.id}`)
      .headers(INERTIA_HEADERS)
      .loginAs(owner)
    assert.deepEqual(
      page.body().props.sample.map((entry: ReportEntry) => [entry.row, entry.name]),
      [
        [5, 'Bad'],
        [7, 'Ana again'],
      ]
    )
  })

  test('unclosed quote rejects its row only', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture(
      'quote.csv',
      [
        'name,phone,city',
        'Ana,11987650701,"São Paulo',
        'Bia,11987650702,Recife',
        'Caio,11987650703,"Curitiba, PR"',
        'Dani,11987650704,Santos',
      ].join('\n') + '\n'
    )

    const { finished, entries, reportCsv } = await importThroughPages(
      client,
      owner,
      tenant.id,
      file
    )

    assert.equal(finished.status, 'finished')
    assert.equal(finished.rejectedCount, 1)
    assert.equal(finished.createdCount, 3)
    assert.equal(byRow(entries, 2)?.status, 'rejected')
    assert.deepEqual(byRow(entries, 2)?.messages[0], {
      code: 'quote_unclosed',
      values: { line: 2, value: 'Ana,11987650701,"São Paulo' },
    })
    const contacts = await contactsOf(tenant.id)
    assert.deepEqual(
      contacts.map((contact) => [contact.name, contact.city]),
      [
        ['Bia', 'Recife'],
        ['Caio', 'Curitiba, PR'],
        ['Dani', 'Santos'],
      ]
    )
    assert.include(
      reportCsvRows(reportCsv).get(2),
      'Line 2 has a quote that is never closed, here: Ana,11987650701,""São Paulo.'
    )
  })

  test('unclosed quote at end of file', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture(
      'quote-end.csv',
      'name;phone;notes\nAna;11987650801;ok\nBia;11987650802;"never closed\nCaio;11987650803;\n'
    )

    const { finished, entries } = await importThroughPages(client, owner, tenant.id, file)

    assert.equal(finished.status, 'finished')
    assert.equal(finished.createdCount, 2)
    assert.deepEqual(byRow(entries, 3)?.messages[0], {
      code: 'quote_unclosed',
      values: { line: 3, value: 'Bia;11987650802;"never closed' },
    })
    assert.equal(byRow(entries, 4)?.name, 'Caio')
    assert.equal(byRow(entries, 4)?.status, 'created')
  })

  test('unclosed quote in the header', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const file = await writeFixture('header.csv', 'name,"phone\nAna,11987650901\n')

    const { props } = await uploadThroughPage(client, owner, file)

    assert.deepEqual(props.headers, [])
    assert.deepEqual(props.headerProblem, {
      line: 1,
      code: 'quote_unclosed',
      values: { line: 1, value: 'name,"phone' },
    })
  })

  test('header wider than 64 KB is read whole', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const columns = Array.from({ length: 9000 }, (_, index) => `coluna_${index}`)
    const file = await writeFixture(
      'wide.csv',
      `${[...columns, 'telefone'].join(',')}\n${[...columns.map(() => ''), '11987650911'].join(',')}\n`
    )

    const { props } = await uploadThroughPage(client, owner, file)

    assert.isNull(props.headerProblem)
    assert.lengthOf(props.headers, 9001)
    assert.equal(props.headers.at(-1), 'telefone')
    assert.equal(props.mapping.at(-1), 'phone')
  })

  test('header past the preview limit is named', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const header = Array.from({ length: 120_000 }, (_, index) => `col${index}`).join(',')
    const file = await writeFixture('huge.csv', `${header},phone\n`)

    const { props } = await uploadThroughPage(client, owner, file)

    assert.deepEqual(props.headers, [])
    assert.deepEqual(props.headerProblem, {
      line: 1,
      code: 'header_too_long',
      values: { limit: 1024 },
    })
  })

  test('values over a column limit rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'pedido', label: 'Pedido', type: 'text', options: [] })
    )
    const rows = [
      ['nome', 'celular', 'cidade', 'etiquetas', 'pedido', 'idioma'],
      ['A'.repeat(161), '11987651001', 'Santos', '', '', ''],
      ['Bia', '11987651002', 'C'.repeat(121), '', '', ''],
      ['Caio', '11987651003', 'Natal', `vip;${'t'.repeat(61)}`, '', ''],
      ['Dani', '11987651004', 'Natal', '', 'p'.repeat(1001), ''],
      ['Eva', '11987651005', 'Natal', '', '', 'pt-BR-x-extra'],
      ['Fábio', '11987651006', 'C'.repeat(120), 't'.repeat(60), 'p'.repeat(1000), 'pt-BR'],
    ]
    const file = await writeFixture('long.csv', rows.map((row) => row.join(',')).join('\n'))

    const { finished, entries } = await importThroughPages(client, owner, tenant.id, file, {
      mapping: (guess) => [...guess.slice(0, 4), 'field:pedido', 'language'],
    })

    assert.equal(finished.rejectedCount, 5)
    assert.equal(finished.createdCount, 1)
    const rejections = [2, 3, 4, 5, 6].map((row) => byRow(entries, row)?.messages[0])
    assert.deepEqual(rejections, [
      { code: 'too_long', values: { row: 2, column: 'nome', length: 161, limit: 160 } },
      { code: 'too_long', values: { row: 3, column: 'cidade', length: 121, limit: 120 } },
      {
        code: 'tag_too_long',
        values: { row: 4, column: 'etiquetas', value: `${'t'.repeat(30)}…`, length: 61, limit: 60 },
      },
      { code: 'too_long', values: { row: 5, column: 'pedido', length: 1001, limit: 1000 } },
      { code: 'too_long', values: { row: 6, column: 'idioma', length: 13, limit: 10 } },
    ])

    const contacts = await contactsOf(tenant.id)
    assert.lengthOf(contacts, 1)
    assert.equal(contacts[0].name, 'Fábio')
    assert.lengthOf(contacts[0].city!, 120)
    assert.deepEqual(
      contacts[0].tags.map((tag) => tag.name),
      ['t'.repeat(60)]
    )
  })

  test('name joined over the limit rejected', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture(
      'joined.csv',
      `Given Name,Family Name,Phone\n${'G'.repeat(100)},${'F'.repeat(60)},11987651101\n`
    )

    const { finished, entries } = await importThroughPages(client, owner, tenant.id, file)

    assert.equal(finished.rejectedCount, 1)
    assert.deepEqual(byRow(entries, 2)?.messages[0], {
      code: 'too_long',
      values: { row: 2, column: 'Given Name + Family Name', length: 161, limit: 160 },
    })
  })

  test('import tag over the limit rejected', async ({ client, assert }) => {
    const { owner } = await createTenantWithOwner()
    const file = await writeFixture('tags.csv', 'name,phone\nAna,11987651201\n')
    const { importId, props } = await uploadThroughPage(client, owner, file)

    const start = await client
      .post(`/contacts/imports/${importId}/start`)
      .json({ mapping: props.mapping, duplicates: 'skip', tags: `ok, ${'x'.repeat(61)}` })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    start.assertStatus(302)
    const errors = (start.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.include(String(errors.tags), 'x'.repeat(61))
    assert.include(String(errors.tags), '60')
  })
  test('column problems named with the tags', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const plan = await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'plano', label: 'Plano', type: 'text', options: [] })
    )
    const file = await writeFixture(
      'columns.csv',
      'Nome,Apelido,Telefone,Plano\nAna Souza,Ana,11987651301,Ouro\n'
    )
    const { importId } = await uploadThroughPage(client, owner, file)
    // The field goes while the page is open.
    await runInTenant(tenant.id, () => plan.delete())

    const start = await client
      .post(`/contacts/imports/${importId}/start`)
      .json({
        mapping: ['name', 'name', 'phone', 'field:plano'],
        duplicates: 'skip',
        tags: `ok, ${'x'.repeat(61)}`,
      })
      .loginAs(owner)
      .withCsrfToken()
      .redirects(0)

    start.assertStatus(302)
    const errors = (start.flashMessages().inputErrorsBag ?? {}) as Record<string, string[]>
    assert.deepEqual(Object.keys(errors).sort(), ['mapping.1', 'mapping.3', 'tags'])
    assert.deepEqual(errors['mapping.1'], [
      'Column “Apelido”: column “Nome” already fills “Name”. ' +
        "Choose another field for this column, or “Don't import”.",
    ])
    assert.deepEqual(errors['mapping.3'], [
      "Column “Plano”: the field it was set to no longer exists. Choose another field, or “Don't import”.",
    ])
    assert.include(String(errors.tags), 'x'.repeat(61))
    const contactImport = await runInTenant(tenant.id, () => ContactImport.findOrFail(importId))
    assert.equal(contactImport.status, 'uploaded')
  })

  test('column problems named in Portuguese', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    owner.locale = 'pt-BR'
    await owner.save()
    await runInTenant(tenant.id, () =>
      CustomField.create({ key: 'plano', label: 'Plano', type: 'text', options: [] })
    )
    const file = await writeFixture(
      'colunas.csv',
      'Nome,Telefone,Plano,Plano anterior\nAna,,Ouro,Prata\n'
    )
    const { importId } = await uploadThroughPage(client, owner, file)

    const start = await client
      .post(`/contacts/imports/${importId}/start`)
      .json({
        mapping: ['name', 'ignore', 'field:plano', 'field:plano'],
        duplicates: 'skip',
      })
      .accept('json')
      .loginAs(owner)
      .withCsrfToken()

    start.assertStatus(422)
    assert.deepEqual(start.body().errors, [
      {
        field: 'mapping.3',
        message:
          'Coluna “Plano anterior”: a coluna “Plano” já preenche “Campo personalizado: Plano”. ' +
          'Escolha outro campo para esta coluna, ou “Não importar”.',
        rule: 'mapping',
      },
      {
        field: 'mapping',
        message: 'Escolha a coluna que tem o número de telefone.',
        rule: 'mapping',
      },
    ])
  })

  test('custom field columns matched by label and key', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    await runInTenant(tenant.id, () =>
      CustomField.createMany([
        { key: 'aniversario', label: 'Aniversário', type: 'date', options: [] },
        { key: 'valor_gasto', label: 'Valor gasto', type: 'number', options: [] },
        { key: 'pedido', label: 'Número do pedido', type: 'text', options: [] },
      ])
    )
    const file = await writeFixture(
      'fields.csv',
      'Nome,Telefone,Aniversário,VALOR GASTO,Pedido\nAna,11987651201,1990-05-04,10,A1\n'
    )

    const { props } = await uploadThroughPage(client, owner, file)

    assert.deepEqual(props.mapping, [
      'name',
      'phone',
      'field:aniversario',
      'field:valor_gasto',
      'field:pedido',
    ])
  })

  test('new custom field beats a remembered ignore', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const content = 'Nome,Telefone,Aniversario,Valor gasto\nAna,11987651301,1990-05-04,10\n'
    await importThroughPages(client, owner, tenant.id, await writeFixture('before.csv', content))
    await runInTenant(tenant.id, () =>
      CustomField.createMany([
        { key: 'aniversario', label: 'Aniversário', type: 'date', options: [] },
        { key: 'valor_gasto', label: 'Valor gasto', type: 'number', options: [] },
      ])
    )

    const { props } = await uploadThroughPage(
      client,
      owner,
      await writeFixture('after.csv', content)
    )

    assert.deepEqual(props.mapping, ['name', 'phone', 'field:aniversario', 'field:valor_gasto'])
  })
})

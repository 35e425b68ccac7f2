import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import Contact from '#models/contact'
import ContactTag from '#models/contact_tag'
import { runInTenant } from '#tenancy/tenant_context'
import { createTenantWithOwner } from '#tests/helpers/accounts'
import { importThroughPages, startImportWorker } from '#tests/helpers/audience'
import type { ReportEntry } from '#services/imports/contact_import_runner'

const fixture = (name: string) => app.makePath('tests/fixtures/contacts', name)

async function contactsOf(tenantId: number) {
  return runInTenant(tenantId, async () => {
    const contacts = await Contact.query().orderBy('id')
    const tags = await ContactTag.query()
    return contacts.map((contact) => ({
      name: contact.name,
      phone: contact.phone,
      city: contact.city,
      notes: contact.notes,
      warning: contact.phoneWarning,
      extraPhones: contact.extraPhones,
      tags: tags
        .filter((tag) => tag.contactId === contact.id)
        .map((tag) => tag.name)
        .sort(),
    }))
  })
}

/** The report entry of a line of the file, where the header is line 1. */
function byRow(entries: ReportEntry[], row: number) {
  return entries.find((entry) => entry.row === row)!
}

test.group('Contacts import fixtures', (group) => {
  let stopWorker: () => Promise<void>
  group.setup(async () => {
    stopWorker = await startImportWorker()
    return () => stopWorker()
  })
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('basic.csv', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { finished, entries, props } = await importThroughPages(
      client,
      owner,
      tenant.id,
      fixture('basic.csv')
    )

    assert.equal(finished.status, 'finished')
    assert.equal(finished.encoding, 'utf-8')
    assert.equal(finished.delimiter, ',')
    assert.deepEqual(props.mapping, ['name', 'phone', 'email', 'city', 'tags', 'ignore'])
    assert.equal(finished.createdCount, 8)
    assert.equal(finished.rejectedCount, 2)
    assert.equal(finished.duplicateCount, 1)
    assert.equal(finished.processedRows, 11)

    const contacts = await contactsOf(tenant.id)
    assert.deepEqual(
      contacts.map((contact) => [contact.name, contact.phone]),
      [
        ['Ana Souza', '+5511912340001'],
        ['Bruno Lima', '+5521998760002'],
        ['Carla Mendes', '+5531988770003'],
        ['"Dudu" Ferreira', '+5541987650004'],
        ['José Ângelo Araújo', '+5511977770005'],
        ['Érica 🌸 Nunes', '+5511912340006'],
        ['Fábio Costa', '+14155550107'],
        ['Gabriela Rocha', '+351912345008'],
      ]
    )
    assert.deepEqual(contacts[0].tags, ['newsletter', 'vip'])
    assert.equal(contacts[3].city, 'Curitiba, PR')

    // Data rows 9 to 11 are lines 10 to 12 of the file, under the header.
    assert.equal(byRow(entries, 10).name, 'Hugo Alves')
    assert.equal(byRow(entries, 10).status, 'rejected')
    assert.equal(byRow(entries, 10).messages[0].code, 'phone_missing')
    assert.equal(byRow(entries, 11).name, 'Iara Santos')
    assert.equal(byRow(entries, 11).status, 'rejected')
    assert.deepEqual(byRow(entries, 11).messages[0], {
      code: 'phone_invalid',
      values: { value: 'not a phone' },
    })
    assert.equal(byRow(entries, 12).name, 'Ana Souza (dup)')
    assert.equal(byRow(entries, 12).status, 'duplicate')
    assert.deepEqual(byRow(entries, 12).messages[0], { code: 'same_as_row', values: { row: 2 } })
  })

  test('excel-ptbr.csv', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { finished, entries, props, reportCsv } = await importThroughPages(
      client,
      owner,
      tenant.id,
      fixture('excel-ptbr.csv')
    )

    assert.equal(finished.encoding, 'windows-1252')
    assert.equal(finished.delimiter, ';')
    assert.deepEqual(props.headers, ['Nome', 'Telefone', 'Cidade', 'Observação'])
    assert.deepEqual(props.mapping, ['name', 'phone', 'city', 'notes'])
    assert.equal(props.rows[0][0], 'Luís Gonçalves')
    assert.equal(finished.createdCount, 6)
    assert.equal(finished.rejectedCount, 1)
    assert.equal(finished.duplicateCount, 2)
    assert.equal(finished.warnedCount, 2)

    const contacts = await contactsOf(tenant.id)
    assert.deepEqual(
      contacts.map((contact) => [contact.name, contact.phone]),
      [
        ['Luís Gonçalves', '+5511987654321'],
        ['Márcia Conceição', '+5511987654320'],
        ['João Pedro Simões', '+5521998765432'],
        ['Sônia Araújo', '+553132221100'],
        ['Tânia Müller', '+5548999112233'],
        ['Vinícius Peçanha', '+5521991234567'],
      ]
    )
    assert.equal(contacts[3].warning, 'landline')
    assert.equal(contacts[4].notes, 'aceita; promoções')

    // Data row n is line n + 1 of the file, under the header.
    assert.equal(byRow(entries, 3).name, 'Márcia Conceição')
    assert.deepEqual(
      byRow(entries, 3).messages.map((message) => message.code),
      ['ninth_digit_added']
    )
    assert.equal(byRow(entries, 7).name, 'Sônia Araújo')
    assert.deepEqual(
      byRow(entries, 7).messages.map((message) => message.code),
      ['landline']
    )
    assert.equal(byRow(entries, 6).name, 'Renato Assunção')
    assert.equal(byRow(entries, 6).status, 'rejected')
    assert.deepEqual(byRow(entries, 6).messages[0], {
      code: 'phone_scientific_notation',
      values: { value: '1,19877E+10' },
    })
    assert.equal(byRow(entries, 5).status, 'duplicate')
    assert.deepEqual(byRow(entries, 5).messages[0], { code: 'same_as_row', values: { row: 2 } })
    assert.equal(byRow(entries, 10).status, 'duplicate')
    assert.deepEqual(byRow(entries, 10).messages[0], { code: 'same_as_row', values: { row: 2 } })
    assert.include(reportCsv, '1,19877E+10')
    assert.notInclude(reportCsv, 'LuÃ')
  })

  test('google-contacts.csv', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const { finished, entries } = await importThroughPages(
      client,
      owner,
      tenant.id,
      fixture('google-contacts.csv')
    )

    // Marina's note spans lines 2 and 3, so Otávio starts on line 4.
    assert.deepEqual(
      entries.map((entry) => [entry.row, entry.name]),
      [
        [2, 'Marina Teixeira'],
        [4, 'Otávio Reis'],
        [5, 'Paula Ribeiro'],
        [6, 'Quintino Barros'],
      ]
    )
    assert.equal(finished.createdCount, 4)
    assert.equal(finished.rejectedCount, 0)
    assert.equal(finished.duplicateCount, 0)

    const contacts = await contactsOf(tenant.id)
    assert.deepEqual(
      contacts.map((contact) => [contact.name, contact.phone]),
      [
        ['Marina Teixeira', '+5511991230101'],
        ['Otávio Reis', '+5519981110201'],
        ['Paula Ribeiro', '+5561982220302'],
        ['Quintino Barros', '+5571993330401'],
      ]
    )
    assert.deepEqual(contacts[0].tags, ['Clientes'])
    assert.deepEqual(contacts[1].tags, [])
    assert.deepEqual(contacts[2].tags, ['VIP'])
    assert.equal(contacts[0].notes, 'Met at the fair,\nasked for the catalogue')
    assert.deepEqual(contacts[0].extraPhones, ['+551133330101', '+551134440102'])
    assert.deepEqual(contacts[2].extraPhones, ['+556132220301'])
  })
})

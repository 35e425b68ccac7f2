import { mkdir, writeFile } from 'node:fs/promises'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import type { ApiClient } from '@japa/api-client'
import type Tenant from '#models/tenant'
import type User from '#models/user'
import Contact from '#models/contact'
import CustomField from '#models/custom_field'
import { runInTenant } from '#tenancy/tenant_context'
import { saveContact } from '#services/contacts/contact_service'
import { fieldValuesOf } from '#services/contacts/custom_field_values'
import { optOut } from '#services/contacts/opt_out'
import {
  createAudienceTenant,
  importThroughPages,
  startImportWorker,
} from '#tests/helpers/audience'
import { exportRecords } from '#tests/helpers/exports'
import { uniqueMobile } from '#tests/helpers/inbox'

const ENGLISH_HEADERS = [
  'Contact id',
  'Name',
  'Phone',
  'Other phones',
  'E-mail',
  'City',
  'Time zone',
  'Language',
  'Tags',
  'Consent',
  'Consent changed by',
  'Consent changed (UTC)',
  'Created (UTC)',
  'pedido',
]

const PORTUGUESE_HEADERS = [
  'Id do contato',
  'Nome',
  'Telefone',
  'Outros telefones',
  'E-mail',
  'Cidade',
  'Fuso horário',
  'Idioma',
  'Etiquetas',
  'Consentimento',
  'Consentimento alterado por',
  'Consentimento alterado em (UTC)',
  'Criado em (UTC)',
  'pedido',
]

/** What the import guesses for each column of the export, in both languages. */
const ROUND_TRIP_MAPPING = [
  'ignore',
  'name',
  'phone',
  'phone',
  'email',
  'city',
  'timezone',
  'language',
  'tags',
  'ignore',
  'ignore',
  'ignore',
  'ignore',
  'field:pedido',
]

/**
 * Adds the `pedido` custom field and two contacts: Ana, opted in by an
 * operator, with every field filled, and Bruno, opted out by keyword, with
 * a name that the export defuses, no extra phone and no tags.
 */
async function seedContacts(tenant: Tenant) {
  return runInTenant(tenant.id, async () => {
    await CustomField.create({ key: 'pedido', label: 'Pedido', type: 'text', options: [] })
    const ana = await saveContact(tenant, {
      name: 'Ana Souza',
      phone: uniqueMobile(),
      extraPhones: [uniqueMobile(), uniqueMobile()],
      email: 'ana@example.com',
      city: 'São Paulo',
      timezone: 'America/Sao_Paulo',
      language: 'pt-BR',
      tags: ['vip', 'clientes'],
      consent: 'opted_in',
      fields: { pedido: 'A-123' },
    })
    const bruno = await saveContact(tenant, {
      name: '=Bruno Lima',
      phone: uniqueMobile(),
      city: 'Recife',
      timezone: 'America/Recife',
    })
    await optOut(bruno, { reason: 'keyword', keyword: 'sair' })
    return { ana, bruno }
  })
}

async function downloadContacts(client: ApiClient, user: User, locale: string) {
  user.locale = locale
  await user.save()
  const response = await client.get('/contacts/export.csv').loginAs(user)
  response.assertStatus(200)
  return response.text()
}

/** Writes an export to a file that the import can upload. */
async function saveExport(name: string, text: string) {
  const dir = app.makePath('tmp/contacts-tests')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${Date.now()}-${name}`
  await writeFile(path, text)
  return path
}

/** Reads a tenant's contacts by phone, with the values that the export and the import carry. */
async function contactsByPhone(tenantId: number) {
  return runInTenant(tenantId, async () => {
    const contacts = await Contact.query().preload('tags').orderBy('id')
    const values = await fieldValuesOf(contacts.map((contact) => contact.id))
    return new Map(
      contacts.map((contact) => [
        contact.phone,
        {
          name: contact.name,
          extraPhones: [...contact.extraPhones].sort(),
          email: contact.email,
          city: contact.city,
          timezone: contact.timezone,
          language: contact.language,
          tags: contact.tags.map((tag) => tag.name).sort(),
          pedido: values.get(contact.id)?.pedido ?? null,
        },
      ])
    )
  })
}

test.group('Contacts export language', (group) => {
  group.setup(async () => {
    const stop = await startImportWorker()
    return () => stop()
  })
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('headers and consent in English', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const { ana, bruno } = await seedContacts(tenant)

    const text = await downloadContacts(client, owner, 'en')

    assert.isTrue(text.startsWith(`\uFEFF${ENGLISH_HEADERS.join(',')}\r\n`))
    const { records, headers } = exportRecords(text, 'contacts')
    assert.deepEqual(headers, ENGLISH_HEADERS)
    const [anaRow, brunoRow] = records
    assert.equal(anaRow.id, String(ana.id))
    assert.equal(anaRow.consent, 'Opted in')
    assert.equal(anaRow.consent_source, 'Operator')
    assert.equal(anaRow.tags, 'clientes, vip')
    assert.equal(anaRow.pedido, 'A-123')
    assert.equal(brunoRow.id, String(bruno.id))
    assert.equal(brunoRow.name, "'=Bruno Lima")
    assert.equal(brunoRow.consent, 'Opted out')
    assert.equal(brunoRow.consent_source, 'Opt-out keyword')
    assert.match(brunoRow.consent_at, /Z$/)
    assert.equal(brunoRow.pedido, '')
  })

  test('headers and consent in Portuguese', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const { ana } = await seedContacts(tenant)

    const text = await downloadContacts(client, owner, 'pt-BR')

    assert.isTrue(text.startsWith(`\uFEFF${PORTUGUESE_HEADERS.join(';')}\r\n`))
    const { records, headers, separator } = exportRecords(text, 'contacts')
    assert.equal(separator, ';')
    assert.deepEqual(headers, PORTUGUESE_HEADERS)
    const [anaRow, brunoRow] = records
    assert.equal(anaRow.phone, ana.phone)
    // Several numbers in one cell would run as a formula, so the cell is defused.
    assert.equal(anaRow.extra_phones, `'${ana.extraPhones.join(' ')}`)
    assert.equal(anaRow.city, 'São Paulo')
    assert.equal(anaRow.consent, 'Aceitou')
    assert.equal(anaRow.consent_source, 'Operador')
    assert.equal(brunoRow.consent, 'Descadastrado')
    assert.equal(brunoRow.consent_source, 'Palavra de descadastro')
  })

  test('unknown consent source stays as stored', async ({ client, assert }) => {
    const { tenant, owner } = await createAudienceTenant()
    const { ana } = await seedContacts(tenant)
    await runInTenant(tenant.id, () =>
      Contact.query().where('id', ana.id).update({ consent_source: 'crm-sync' })
    )

    const text = await downloadContacts(client, owner, 'pt-BR')

    const anaRow = exportRecords(text, 'contacts').records.find(
      (entry) => entry.name === 'Ana Souza'
    )!
    assert.equal(anaRow.consent_source, 'crm-sync')
  })

  test('export imports back in {locale}')
    .with([{ locale: 'en' }, { locale: 'pt-BR' }])
    .run(async ({ client, assert }, row) => {
      const source = await createAudienceTenant()
      await seedContacts(source.tenant)
      const target = await createAudienceTenant()
      await runInTenant(target.tenant.id, () =>
        CustomField.create({ key: 'pedido', label: 'Pedido', type: 'text', options: [] })
      )
      target.owner.locale = row.locale
      await target.owner.save()

      const text = await downloadContacts(client, source.owner, row.locale)
      const file = await saveExport(`contacts-${row.locale}.csv`, text)
      const { finished, props } = await importThroughPages(
        client,
        target.owner,
        target.tenant.id,
        file
      )

      assert.deepEqual(props.headers, row.locale === 'en' ? ENGLISH_HEADERS : PORTUGUESE_HEADERS)
      assert.deepEqual(props.mapping, ROUND_TRIP_MAPPING)
      assert.equal(finished.status, 'finished')
      assert.equal(finished.createdCount, 2)
      assert.equal(finished.rejectedCount, 0)
      assert.equal(finished.warnedCount, 0)
      const exported = await contactsByPhone(source.tenant.id)
      const imported = await contactsByPhone(target.tenant.id)
      assert.deepEqual([...imported.keys()].sort(), [...exported.keys()].sort())
      for (const [phone, contact] of exported) {
        assert.deepEqual(imported.get(phone), contact, phone)
      }
    })
})

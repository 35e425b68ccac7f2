import { writeFile, mkdir } from 'node:fs/promises'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import transmit from '@adonisjs/transmit/services/main'
import Contact from '#models/contact'
import { runInTenant } from '#tenancy/tenant_context'
import { deleteContact } from '#services/contacts/contact_service'
import { optOut } from '#services/contacts/opt_out'
import { addMember, createTenantWithOwner } from '#tests/helpers/accounts'
import { INERTIA_HEADERS, importThroughPages, startImportWorker } from '#tests/helpers/audience'

async function writeFixture(name: string, content: string | Buffer) {
  const dir = app.makePath('tmp/contacts-tests')
  await mkdir(dir, { recursive: true })
  const path = `${dir}/${Date.now()}-${name}`
  await writeFile(path, content)
  return path
}

test.group('Contacts import cases', (group) => {
  group.setup(async () => {
    const stop = await startImportWorker()
    return () => stop()
  })
  group.each.setup(() => testUtils.db().wrapInGlobalTransaction())

  test('bom header maps to phone', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture('bom.csv', '\uFEFFphone,name\n+55 11 98765-0001,Ana\n')
    const { finished, props } = await importThroughPages(client, owner, tenant.id, file)

    assert.deepEqual(props.headers, ['phone', 'name'])
    assert.deepEqual(props.mapping, ['phone', 'name'])
    assert.equal(finished.createdCount, 1)
  })

  test('lines of empty cells are skipped', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture(
      'empty-cells.csv',
      'nome;telefone;cidade\nAna;+55 11 98765-0031;Santos\n;;\n ; ;\nBia;+55 11 98765-0032;Recife\n'
    )
    const { finished } = await importThroughPages(client, owner, tenant.id, file)

    assert.equal(finished.createdCount, 2)
    assert.equal(finished.rejectedCount, 0)
  })

  test('report download needs an editor', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture('roles.csv', 'name,phone\nAna Reis,+55 11 98765-0012\nBad,12\n')
    const { finished } = await importThroughPages(client, owner, tenant.id, file)
    const viewer = await addMember(tenant.id, 'viewer')
    const editor = await addMember(tenant.id, 'editor')
    const report = `/contacts/imports/${finished.id}/report.csv`
    const page = `/contacts/imports/${finished.id}`

    const viewerReport = await client.get(report).loginAs(viewer.user)
    const editorReport = await client.get(report).loginAs(editor.user)
    const viewerPage = await client.get(page).loginAs(viewer.user).headers(INERTIA_HEADERS)
    const editorPage = await client.get(page).loginAs(editor.user).headers(INERTIA_HEADERS)

    viewerReport.assertStatus(403)
    assert.notInclude(viewerReport.text(), 'Ana Reis')
    editorReport.assertStatus(200)
    assert.include(editorReport.text(), 'Ana Reis')
    viewerPage.assertStatus(200)
    assert.isFalse(viewerPage.body().props.canExport)
    assert.isTrue(editorPage.body().props.canExport)
  })

  test('utf-16 file with bom', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const text = '\uFEFFNome\tCelular\nJoão Araújo\t(11) 98765-0009\n'
    const file = await writeFixture('utf16.csv', Buffer.from(text, 'utf16le'))
    const { finished, props } = await importThroughPages(client, owner, tenant.id, file)

    assert.equal(finished.encoding, 'utf-16le')
    assert.equal(finished.delimiter, '\t')
    assert.deepEqual(props.mapping, ['name', 'phone'])
    const contact = await runInTenant(tenant.id, () => Contact.query().firstOrFail())
    assert.equal(contact.name, 'João Araújo')
  })

  test('four formats of one number', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture(
      'formats.csv',
      'name;phone\nA;+55 11 98765-0003\nB;5511987650003\nC;(11) 98765-0003\nD;011987650003\n'
    )
    const { finished, entries } = await importThroughPages(client, owner, tenant.id, file)

    assert.equal(finished.createdCount, 1)
    assert.equal(finished.duplicateCount, 3)
    assert.deepEqual(
      entries.map((entry) => entry.status),
      ['created', 'duplicate', 'duplicate', 'duplicate']
    )
    const contacts = await runInTenant(tenant.id, () => Contact.query())
    assert.deepEqual(
      contacts.map((contact) => contact.phone),
      ['+5511987650003']
    )
  })

  test('update mode rewrites existing contacts', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const first = await writeFixture('first.csv', 'name,phone,city\nAna,11987650004,Santos\n')
    await importThroughPages(client, owner, tenant.id, first)
    const second = await writeFixture('second.csv', 'name,phone\nAna Maria,+5511987650004\n')
    const skipped = await importThroughPages(client, owner, tenant.id, second)
    assert.equal(skipped.finished.keptCount, 1)
    assert.equal(skipped.finished.duplicateCount, 0)

    const updated = await importThroughPages(client, owner, tenant.id, second, {
      duplicates: 'update',
      tags: 'reimported, vip',
    })
    assert.equal(updated.finished.updatedCount, 1)
    const contact = await runInTenant(tenant.id, () =>
      Contact.query().preload('tags').firstOrFail()
    )
    assert.equal(contact.name, 'Ana Maria')
    assert.equal(contact.city, 'Santos')
    assert.deepEqual(contact.tags.map((tag) => tag.name).sort(), ['reimported', 'vip'])
  })

  test('opted-out number stays out after delete and re-import', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const file = await writeFixture('optout.csv', 'name,phone\nBeto,21998760010\n')
    await importThroughPages(client, owner, tenant.id, file)
    await runInTenant(tenant.id, async () => {
      const contact = await Contact.query().firstOrFail()
      await optOut(contact, { reason: 'keyword', keyword: 'stop' })
      await deleteContact(contact, { source: 'manual', userId: null })
    })
    assert.lengthOf(await runInTenant(tenant.id, () => Contact.query()), 0)

    const again = await importThroughPages(client, owner, tenant.id, file)
    assert.equal(again.finished.createdCount, 1)
    assert.deepEqual(
      again.entries[0].messages.map((message) => message.code),
      ['suppressed']
    )
    const contact = await runInTenant(tenant.id, () => Contact.query().firstOrFail())
    assert.equal(contact.consent, 'opted_out')
    assert.equal(contact.consentSource, 'suppression')
  })

  test('50,000 generated rows with progress', async ({ client, assert }) => {
    const { tenant, owner } = await createTenantWithOwner()
    const lines = ['nome;celular;cidade;etiquetas']
    for (let index = 0; index < 50_000; index++) {
      const digits = String(index).padStart(7, '0')
      lines.push(
        `Pessoa ${index};(11) 99${digits.slice(0, 3)}-${digits.slice(3)};Cidade ${index % 50};lote`
      )
    }
    lines.push('Repetida;(11) 99000-0000;;')
    lines.push('Sem número;;;')
    const file = await writeFixture('large.csv', lines.join('\r\n'))

    const events: { channel: string; payload: any }[] = []
    const unsubscribe = transmit.on('broadcast', (event) => {
      if (event.channel.startsWith(`tenants/${tenant.id}/imports/`)) {
        events.push(event as any)
      }
    })
    try {
      const { finished } = await importThroughPages(client, owner, tenant.id, file)
      assert.equal(finished.status, 'finished')
      assert.equal(finished.processedRows, 50_002)
      assert.equal(finished.createdCount, 50_000)
      assert.equal(finished.duplicateCount, 1)
      assert.equal(finished.rejectedCount, 1)
    } finally {
      unsubscribe()
    }

    assert.equal(events[0].payload.status, 'running')
    for (const key of ['percent', 'processedRows', 'created']) {
      const values = events.map((event) => event.payload[key])
      assert.deepEqual(
        [...values].sort((a, b) => a - b),
        values,
        `${key} never goes back`
      )
    }
    assert.equal(events.at(-1)!.payload.status, 'finished')
    assert.equal(events.at(-1)!.payload.created, 50_000)
    const count = await runInTenant(tenant.id, () => Contact.query().count('* as total').first())
    assert.equal(Number(count!.$extras.total), 50_000)
  }).timeout(180_000)
})

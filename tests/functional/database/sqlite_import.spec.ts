import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { useSqliteServer } from '#tests/helpers/sqlite_server'
import { signUp, type WebSession } from '#tests/helpers/web_session'

/** Port of the server under test, apart from the suite's own and the embedded-default test's. */
const PORT = Number(process.env.PORT ?? 3334) + 17
const BASE = `http://127.0.0.1:${PORT}`
const CONNECTION = 'sqlite_import'

/** Signs up a new owner and tenant through the sign-up page; returns the session and the tenant. */
async function signUpTenant(name: string) {
  const session = await signUp(BASE, `sqlite.${name}`)
  const { tenant } = await session.props('/profile')
  return { session, tenantId: tenant.id as number }
}

/** Posts a form the way a page does, so the controller responds with a redirect. */
function submit(session: WebSession, path: string, body: Record<string, unknown> | FormData) {
  return session.request('POST', path, body, { accept: 'text/html' })
}

/** Uploads a fixture, starts it with the guessed mapping and waits for the import job. */
async function importFixture(
  session: WebSession,
  name: string,
  duplicates: 'skip' | 'update',
  listIds: number[] = []
) {
  const form = new FormData()
  const bytes = await readFile(app.makePath('tests/fixtures/contacts', name))
  form.append('file', new Blob([bytes], { type: 'text/csv' }), name)
  const upload = await submit(session, '/contacts/imports', form)
  if (upload.status !== 302) {
    throw new Error(`upload returned ${upload.status}: ${await upload.text()}`)
  }
  const importId = Number(upload.headers.get('location')!.split('/').pop())

  const mapping = await session.props(`/contacts/imports/${importId}`)
  const start = await submit(session, `/contacts/imports/${importId}/start`, {
    mapping: mapping.mapping,
    duplicates,
    tags: 'sqlite',
    listIds,
  })
  if (start.status !== 302) {
    throw new Error(`start returned ${start.status}: ${await start.text()}`)
  }

  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const { contactImport } = await session.props(`/contacts/imports/${importId}`)
    if (contactImport.status === 'finished' || contactImport.status === 'failed') {
      return { contactImport, mapping }
    }
    await sleep(200)
  }
  throw new Error(`import ${importId} did not finish within 60 s`)
}

/**
 * The embedded default stores everything in one SQLite file. This group
 * runs its migrations, starts the web and worker roles on that file, and
 * imports a fixture through the pages and the real BullMQ job.
 */
test.group('SQLite contact import', (group) => {
  useSqliteServer(group, {
    name: 'import',
    port: PORT,
    roles: ['web', 'worker'],
    connection: CONNECTION,
  })

  test('imports excel-ptbr.csv, then updates on a second run', async ({ assert }) => {
    const { session, tenantId } = await signUpTenant('excel')

    const list = await submit(session, '/lists', { name: 'Feira' })
    assert.equal(list.status, 302, await list.clone().text())
    const listId = Number(list.headers.get('location')!.split('/').pop())

    const first = await importFixture(session, 'excel-ptbr.csv', 'skip', [listId])
    assert.equal(first.contactImport.status, 'finished', first.contactImport.error ?? '')
    assert.equal(first.contactImport.encoding, 'windows-1252')
    assert.equal(first.contactImport.delimiter, ';')
    assert.deepEqual(first.mapping.mapping, ['name', 'phone', 'city', 'notes'])
    assert.equal(first.contactImport.created, 6)
    assert.equal(first.contactImport.rejected, 1)
    assert.equal(first.contactImport.duplicates, 2)
    assert.equal(first.contactImport.warned, 2)

    const sqlite = db.connection(CONNECTION)
    const contacts = await sqlite
      .from('contacts')
      .where('tenant_id', tenantId)
      .orderBy('id')
      .select('id', 'name', 'phone')
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
    const tagged = await sqlite.from('contact_tags').where('name', 'sqlite').count('* as total')
    assert.equal(Number(tagged[0].total), 6)

    const members = await sqlite.from('contact_list_members').where('contact_list_id', listId)
    assert.lengthOf(members, 6)

    const second = await importFixture(session, 'excel-ptbr.csv', 'update', [listId])
    assert.equal(second.contactImport.status, 'finished', second.contactImport.error ?? '')
    assert.equal(second.contactImport.created, 0)
    assert.equal(second.contactImport.updated, 6)
    const after = await sqlite.from('contacts').where('tenant_id', tenantId).count('* as total')
    assert.equal(Number(after[0].total), 6)
    const retagged = await sqlite.from('contact_tags').where('name', 'sqlite').count('* as total')
    assert.equal(Number(retagged[0].total), 6)
    const rejoined = await sqlite.from('contact_list_members').where('contact_list_id', listId)
    assert.lengthOf(rejoined, 6)
  }).timeout(120_000)

  test('imports google-contacts.csv with extra phones and tags', async ({ assert }) => {
    const { session, tenantId } = await signUpTenant('google')
    const { contactImport } = await importFixture(session, 'google-contacts.csv', 'skip')
    assert.equal(contactImport.status, 'finished', contactImport.error ?? '')
    assert.equal(contactImport.created, 4)
    assert.equal(contactImport.rejected, 0)

    const sqlite = db.connection(CONNECTION)
    const marina = await sqlite
      .from('contacts')
      .where('tenant_id', tenantId)
      .where('phone', '+5511991230101')
      .firstOrFail()
    assert.equal(marina.name, 'Marina Teixeira')
    assert.equal(marina.notes, 'Met at the fair,\nasked for the catalogue')
    assert.deepEqual(JSON.parse(marina.extra_phones), ['+551133330101', '+551134440102'])
    const tags = await sqlite.from('contact_tags').where('contact_id', marina.id).orderBy('name')
    assert.deepEqual(
      tags.map((tag) => tag.name),
      ['Clientes', 'sqlite']
    )
  }).timeout(60_000)
})

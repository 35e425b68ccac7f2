import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { MigrationRunner } from '@adonisjs/lucid/migration'
import { runInTenant } from '#tenancy/tenant_context'
import { sqlTime } from '#services/channels/sql_time'
import { splitTags } from '#services/contacts/contact_service'
import {
  addContactTags,
  addTags,
  removeTags,
  replaceTags,
  whereTagNamed,
} from '#services/contacts/contact_tags'
import { useSqliteFile } from '#tests/helpers/sqlite_server'

const SQLITE = 'sqlite_tag_identity'

/** Inserts a tenant and a contact through `connection` and returns their ids. */
async function contactOn(connection: string) {
  const client = db.connection(connection)
  const now = sqlTime()
  const suffix = `${Date.now()}${Math.floor(Math.random() * 1000)}`
  const [tenantId] = await client
    .table('tenants')
    .insert({ name: 'Tags', slug: `tags-${suffix}`, created_at: now, updated_at: now })
  const [contactId] = await client.table('contacts').insert({
    tenant_id: tenantId,
    name: 'Rita',
    phone: `+55119${suffix.slice(-8)}`,
    timezone: 'America/Sao_Paulo',
    consent: 'unknown',
    created_at: now,
    updated_at: now,
  })
  return { tenantId: Number(tenantId), contactId: Number(contactId) }
}

async function storedNames(connection: string, contactId: number) {
  const rows = await db
    .connection(connection)
    .from('contact_tags')
    .where('contact_id', contactId)
    .orderBy('id')
    .select('name')
  return rows.map((row) => row.name)
}

/**
 * Adds, replaces and removes tags in several spellings through `connection`,
 * checking that each contact keeps one tag per name in its first spelling.
 */
async function checkTagIdentity(assert: any, connection: string) {
  const client = db.connection(connection)
  const { tenantId, contactId } = await contactOn(connection)
  const other = await contactOn(connection)

  await runInTenant(tenantId, async () => {
    await addTags([contactId], ['VIP', 'Promoção'], client)
    await addTags([contactId], ['vip', 'Vip', 'promocao', 'lead'], client)
  })
  assert.deepEqual(await storedNames(connection, contactId), ['VIP', 'Promoção', 'lead'])

  await runInTenant(other.tenantId, () =>
    addContactTags(
      [
        { contactId: other.contactId, name: 'cliente' },
        { contactId: other.contactId, name: 'Cliente' },
      ],
      client
    )
  )
  assert.deepEqual(await storedNames(connection, other.contactId), ['cliente'])

  await runInTenant(tenantId, () => replaceTags(contactId, ['vip', 'LEAD', 'novo'], client))
  assert.deepEqual(await storedNames(connection, contactId), ['VIP', 'lead', 'novo'])

  await runInTenant(tenantId, () => removeTags(contactId, ['Vip', 'NOVO'], client))
  assert.deepEqual(await storedNames(connection, contactId), ['lead'])

  await runInTenant(tenantId, () => addTags([contactId], ['Promoção'], client))
  for (const spelling of ['promoção', 'PROMOCAO', 'Lead']) {
    assert.deepEqual(await taggedContacts(connection, tenantId, spelling), [contactId], spelling)
  }
  assert.deepEqual(await taggedContacts(connection, tenantId, 'vip'), [])
}

/** Returns the ids of the tenant's contacts that have the tag, read as the tag filters read them. */
async function taggedContacts(connection: string, tenantId: number, tag: string) {
  const rows = await db
    .connection(connection)
    .from('contacts')
    .where('contacts.tenant_id', tenantId)
    .whereExists((tags) =>
      whereTagNamed(
        tags.from('contact_tags').whereColumn('contact_tags.contact_id', 'contacts.id'),
        tag
      )
    )
    .select('contacts.id')
  return rows.map((row) => Number(row.id))
}

test.group('Tag identity', () => {
  test('splitTags keeps first spelling', ({ assert }) => {
    assert.deepEqual(splitTags('VIP, vip; Lead | lead, Promoção, promocao'), [
      'VIP',
      'Lead',
      'Promoção',
    ])
  })

  test('tags ignore case and accents on MariaDB', async ({ assert }) => {
    await checkTagIdentity(assert, db.primaryConnectionName)
  })
})

test.group('Tag identity on SQLite', (group) => {
  useSqliteFile(group, SQLITE)
  group.setup(async () => {
    const up = new MigrationRunner(db, app, { direction: 'up', connectionName: SQLITE })
    await up.run()
    if (up.error) {
      throw up.error
    }
  })

  test('tags ignore case and accents on SQLite', async ({ assert }) => {
    await checkTagIdentity(assert, SQLITE)
  })

  test('migration fills the keys of stored tags', async ({ assert }) => {
    const down = new MigrationRunner(db, app, {
      direction: 'down',
      step: 1,
      connectionName: SQLITE,
    })
    await down.run()
    assert.notExists(down.error, String(down.error))
    assert.deepEqual(Object.keys(down.migratedFiles), [
      'database/migrations/1764002330000_add_contact_tag_keys',
    ])
    const { tenantId, contactId } = await contactOn(SQLITE)
    await db
      .connection(SQLITE)
      .table('contact_tags')
      .multiInsert([
        { tenant_id: tenantId, contact_id: contactId, name: 'Promoção' },
        { tenant_id: tenantId, contact_id: contactId, name: 'VIP' },
      ])

    const up = new MigrationRunner(db, app, { direction: 'up', connectionName: SQLITE })
    await up.run()
    assert.notExists(up.error, String(up.error))

    const rows = await db
      .connection(SQLITE)
      .from('contact_tags')
      .where('contact_id', contactId)
      .orderBy('id')
      .select('name', 'name_key')
    assert.deepEqual(
      rows.map((row) => [row.name, row.name_key]),
      [
        ['Promoção', 'promocao'],
        ['VIP', 'vip'],
      ]
    )
    assert.deepEqual(await taggedContacts(SQLITE, tenantId, 'vip'), [contactId])
  })
})

import db from '@adonisjs/lucid/services/db'
import { currentTenantId } from '#tenancy/tenant_context'
import { MAX_BINDINGS, chunked, insertRows, type Client } from '#services/contacts/bulk_writes'

/**
 * Returns the identity of a tag name: lower case, without accents. Two names
 * with the same key are one tag of a contact, so `VIP`, `vip` and `Vip` are
 * one tag, and so are `Promoção` and `promocao`. MariaDB and MySQL already
 * compare them as equal under their default `_ci` collations, where the
 * unique key (contact_id, name) of `contact_tags` keeps one of them, but
 * SQLite compares bytes. Every write goes through this key, so both
 * databases keep the spelling the contact got first.
 *
 * Lookups by tag name (filters, segment rules, search) go through
 * `whereTagNamed`, so they match the same tags on both databases.
 */
export function tagKey(name: string) {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

/**
 * Tells whether `query` runs on MariaDB or MySQL: from a Lucid query's
 * dialect, or from the driver of the Knex builder under it (a Lucid
 * sub-query has no client of its own). Falls back to the default connection.
 */
function usesMysql(query: any) {
  const name =
    query.client?.dialect?.name ??
    query.knexQuery?.client?.config?.client ??
    query.client?.config?.client
  return (name ?? db.connection().dialect.name).startsWith('mysql')
}

/**
 * Limits a query of `table` (`contact_tags` or an alias of it) to the tag
 * `name`, matched as `tagKey` matches. MariaDB and MySQL compare `name`
 * under their case- and accent-insensitive collation, which keeps the
 * unique `(contact_id, name)` key in use. SQLite compares the stored
 * `name_key`, since it compares names byte by byte.
 */
export function whereTagNamed<Query extends { where: (...args: any[]) => any }>(
  query: Query,
  name: string,
  table = 'contact_tags'
): Query {
  if (usesMysql(query)) {
    return query.where(`${table}.name`, name)
  }
  return query.where(`${table}.name_key`, tagKey(name))
}

/** Reads the tags of the contacts, in one query per chunk of ids. */
async function storedTags(client: Client, contactIds: number[]) {
  const tenantId = currentTenantId()!
  const tags: { id: number; contactId: number; name: string }[] = []
  for (const chunk of chunked([...new Set(contactIds)], MAX_BINDINGS - 1)) {
    const rows = await client
      .from('contact_tags')
      .where('tenant_id', tenantId)
      .whereIn('contact_id', chunk)
      .select('id', 'contact_id', 'name')
    for (const row of rows) {
      tags.push({ id: Number(row.id), contactId: Number(row.contact_id), name: row.name })
    }
  }
  return tags
}

/**
 * Adds tags to many contacts; tags a contact already has are left alone.
 */
export async function addTags(
  contactIds: number[],
  tags: string[],
  client: Client = db.connection()
) {
  await addContactTags(
    contactIds.flatMap((contactId) => tags.map((name) => ({ contactId, name }))),
    client
  )
}

/**
 * Adds each `{ contactId, name }` tag, with one query for the contacts'
 * tags and one insert per few thousand rows. A tag whose `tagKey` the
 * contact already has, or that an earlier item gave it, is skipped, so the
 * first spelling stays.
 */
export async function addContactTags(
  tags: { contactId: number; name: string }[],
  client: Client = db.connection()
) {
  if (tags.length === 0) {
    return
  }
  const tenantId = currentTenantId()!
  const stored = await storedTags(
    client,
    tags.map((tag) => tag.contactId)
  )
  const existing = new Set(stored.map((tag) => `${tag.contactId}:${tagKey(tag.name)}`))
  const rows: (string | number)[][] = []
  for (const { contactId, name } of tags) {
    const identity = `${contactId}:${tagKey(name)}`
    if (!existing.has(identity)) {
      existing.add(identity)
      rows.push([tenantId, contactId, name, tagKey(name)])
    }
  }
  await insertRows(client, 'contact_tags', ['tenant_id', 'contact_id', 'name', 'name_key'], rows, {
    ignoreConflicts: ['contact_id', 'name'],
  })
}

/** Deletes the contact's tags for which `matches` returns true. */
async function deleteTagsOf(client: Client, contactId: number, matches: (name: string) => boolean) {
  const stored = await storedTags(client, [contactId])
  const ids = stored.filter((tag) => matches(tag.name)).map((tag) => tag.id)
  for (const chunk of chunked(ids, MAX_BINDINGS - 1)) {
    await client
      .from('contact_tags')
      .where('tenant_id', currentTenantId()!)
      .whereIn('id', chunk)
      .delete()
  }
}

/**
 * Removes the contact's tags whose `tagKey` matches one of `names`, so
 * removing `vip` removes a stored `VIP`.
 */
export async function removeTags(
  contactId: number,
  names: string[],
  client: Client = db.connection()
) {
  const keys = new Set(names.map(tagKey))
  await deleteTagsOf(client, contactId, (name) => keys.has(tagKey(name)))
}

/**
 * Sets the contact's tags to `tags` and removes the others. A tag it has
 * in another spelling keeps the stored one.
 */
export async function replaceTags(
  contactId: number,
  tags: string[],
  client: Client = db.connection()
) {
  const keys = new Set(tags.map(tagKey))
  await deleteTagsOf(client, contactId, (name) => !keys.has(tagKey(name)))
  await addTags([contactId], tags, client)
}

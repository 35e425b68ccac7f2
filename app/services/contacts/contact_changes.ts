import db from '@adonisjs/lucid/services/db'
import type { ContactChanges, ContactChangeSource, ValueChange } from '#sdk'
import { emitDomainEvent } from '#events/domain_events'
import { currentTenantId } from '#tenancy/tenant_context'
import { chunked, type Client } from '#services/contacts/bulk_writes'

/** Attributes of a contact that `contact:updated` reports, as named in `ContactChanges`. */
const ATTRIBUTES = {
  name: 'name',
  phone: 'phone',
  extraPhones: 'extra_phones',
  email: 'email',
  city: 'city',
  notes: 'notes',
  timezone: 'timezone',
  language: 'language',
} as const

type AttributeValue = string | string[] | null

/** A contact's values that `contact:updated` compares, read from the database. */
export interface ContactSnapshot {
  attributes: Record<string, AttributeValue>
  fields: Record<string, string | null>
  tags: string[]
  lists: number[]
}

/**
 * Origin of a contact change. `campaignId` and `journeyId` are set for
 * `flow`, `userId` for a member's form.
 */
export interface ContactUpdateOrigin {
  source: ContactChangeSource
  userId?: number | null
  campaignId?: number | null
  journeyId?: number | null
}

function readExtraPhones(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value
  }
  return typeof value === 'string' && value !== '' ? JSON.parse(value) : []
}

/**
 * Reads the contact's attributes, custom values, tags and list memberships
 * through `client`, so a snapshot inside a transaction reads its own writes.
 */
export async function snapshotContact(
  contactId: number,
  client: Client = db.connection()
): Promise<ContactSnapshot> {
  const tenantId = currentTenantId()!
  const row = await client
    .from('contacts')
    .where('tenant_id', tenantId)
    .where('id', contactId)
    .select(Object.values(ATTRIBUTES))
    .firstOrFail()
  const attributes: Record<string, AttributeValue> = {}
  for (const [name, column] of Object.entries(ATTRIBUTES)) {
    attributes[name] = name === 'extraPhones' ? readExtraPhones(row[column]) : row[column]
  }

  const values = await client
    .from('contact_field_values')
    .join('custom_fields', 'custom_fields.id', 'contact_field_values.custom_field_id')
    .where('contact_field_values.tenant_id', tenantId)
    .where('contact_field_values.contact_id', contactId)
    .select('custom_fields.key', 'contact_field_values.text_value')
  const tags = await client
    .from('contact_tags')
    .where('tenant_id', tenantId)
    .where('contact_id', contactId)
    .select('name')
  const lists = await client
    .from('contact_list_members')
    .where('tenant_id', tenantId)
    .where('contact_id', contactId)
    .select('contact_list_id')

  return {
    attributes,
    fields: Object.fromEntries(values.map((value) => [value.key, value.text_value])),
    tags: tags.map((tag) => tag.name as string).sort(),
    lists: lists.map((list) => Number(list.contact_list_id)).sort((a, b) => a - b),
  }
}

function changedValues<Value>(
  before: Record<string, Value | null>,
  after: Record<string, Value | null>
) {
  const changes: Record<string, ValueChange<Value>> = {}
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  for (const key of keys) {
    const old = before[key] ?? null
    const current = after[key] ?? null
    if (JSON.stringify(old) !== JSON.stringify(current)) {
      changes[key] = { old, new: current }
    }
  }
  return changes
}

function missingFrom<Item>(items: Item[], other: Item[]) {
  return items.filter((item) => !other.includes(item))
}

/** Lists what differs between two snapshots of one contact. */
export function diffContact(before: ContactSnapshot, after: ContactSnapshot): ContactChanges {
  return {
    attributes: changedValues(before.attributes, after.attributes),
    fields: changedValues(before.fields, after.fields),
    tags: {
      added: missingFrom(after.tags, before.tags),
      removed: missingFrom(before.tags, after.tags),
    },
    lists: {
      joined: missingFrom(after.lists, before.lists),
      left: missingFrom(before.lists, after.lists),
    },
  }
}

/** Names the changes as `contact:updated`'s `changedFields` does; empty when nothing changed. */
export function changedFieldNames(changes: ContactChanges) {
  const names = [
    ...Object.keys(changes.attributes),
    ...Object.keys(changes.fields).map((key) => `fields.${key}`),
  ]
  if (changes.tags.added.length > 0 || changes.tags.removed.length > 0) {
    names.push('tags')
  }
  if (changes.lists.joined.length > 0 || changes.lists.left.length > 0) {
    names.push('lists')
  }
  return names
}

/** Returns the origin fields of `contact:updated`, with `null` where one does not apply. */
function originFields(origin: ContactUpdateOrigin) {
  return {
    source: origin.source,
    userId: origin.userId ?? null,
    campaignId: origin.campaignId ?? null,
    journeyId: origin.journeyId ?? null,
  }
}

/**
 * Emits `contact:updated` for what differs between the snapshots, or
 * nothing when they are equal. Call it after the change is committed.
 */
export async function emitContactUpdated(
  tenantId: number,
  contactId: number,
  before: ContactSnapshot,
  after: ContactSnapshot,
  origin: ContactUpdateOrigin
) {
  const changes = diffContact(before, after)
  const changedFields = changedFieldNames(changes)
  if (changedFields.length === 0) {
    return
  }
  await emitDomainEvent('contact:updated', {
    tenantId,
    contactId,
    ...originFields(origin),
    changedFields,
    changes,
  })
}

/**
 * Runs `change` in one transaction between two snapshots of the contact,
 * then emits `contact:updated` for what it changed once it is committed.
 * Returns what `change` returned.
 */
export async function changeContact<Result>(
  contactId: number,
  origin: ContactUpdateOrigin,
  change: (trx: Client) => Promise<Result>
) {
  const tenantId = currentTenantId()!
  const outcome = await db.transaction(async (trx) => {
    const before = await snapshotContact(contactId, trx)
    const result = await change(trx)
    return { before, result, after: await snapshotContact(contactId, trx) }
  })
  await emitContactUpdated(tenantId, contactId, outcome.before, outcome.after, origin)
  return outcome.result
}

/** Direction of a list change: its contacts joined the list or left it. */
export type ListChange = 'joined' | 'left'

/**
 * Events that `emitListChanges` emits at once. Subscribers that batch
 * their work per tenant, such as the webhooks plugin's endpoint lookup,
 * then handle a batch together.
 */
const EVENT_BATCH_SIZE = 500

/**
 * Emits `contact:updated` for each contact that joined (`joined`) or left
 * (`left`) the static list `listId`, `EVENT_BATCH_SIZE` events at a time,
 * all with the same `occurredAt` (now, unless given). Call it after the
 * change is committed.
 */
export async function emitListChanges(
  tenantId: number,
  listId: number,
  change: ListChange,
  contactIds: number[],
  origin: ContactUpdateOrigin,
  options: { occurredAt?: string } = {}
) {
  const occurredAt = options.occurredAt ?? new Date().toISOString()
  const lists = {
    joined: change === 'joined' ? [listId] : [],
    left: change === 'left' ? [listId] : [],
  }
  for (const chunk of chunked(contactIds, EVENT_BATCH_SIZE)) {
    await Promise.all(
      chunk.map((contactId) =>
        emitDomainEvent('contact:updated', {
          tenantId,
          occurredAt,
          contactId,
          ...originFields(origin),
          changedFields: ['lists'],
          changes: {
            attributes: {},
            fields: {},
            tags: { added: [], removed: [] },
            lists: { joined: [...lists.joined], left: [...lists.left] },
          },
        })
      )
    )
  }
}

import db from '@adonisjs/lucid/services/db'
import type { ContactFieldType } from '#plugins/sdk/node_type'
import type { ContactRecord } from '#models/contact'
import CustomField from '#models/custom_field'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { STANDARD_CONTACT_FIELDS } from '#flow/contact_fields'
import { currentTenantId, runInTenant } from '#tenancy/tenant_context'

/**
 * The contact as node executors see it (`NodeContact.fields`): standard
 * attributes and typed custom field values, and the field types the
 * validator passes to node types.
 */

/** Lists every field name a node type may read, with its type, for the current tenant. */
export async function contactFieldTypes() {
  const fields = await CustomField.query().select('key', 'type')
  const types = new Map<string, ContactFieldType>(fields.map((field) => [field.key, field.type]))
  for (const [name, type] of Object.entries(STANDARD_CONTACT_FIELDS)) {
    types.set(name, type)
  }
  return types
}

interface ContactExtras {
  values: Record<string, unknown>
  tags: string[]
}

interface StoredValueRow {
  contact_id: number
  key: string
  type: string
  text_value: string | null
  number_value: number | string | null
  date_value: string | Date | null
}

/** Reads a stored custom field value in the type of its field. */
function typedValue(row: StoredValueRow): unknown {
  switch (row.type) {
    case 'number':
      return row.number_value === null ? null : Number(row.number_value)
    case 'boolean':
      return row.number_value === null ? null : Number(row.number_value) === 1
    case 'date':
      return row.date_value === null ? null : String(row.text_value ?? row.date_value).slice(0, 10)
    default:
      return row.text_value
  }
}

async function readExtras(contactIds: number[]) {
  const tenantId = currentTenantId()!
  const extras = new Map<number, ContactExtras>()
  const extrasOf = (id: number) => {
    let found = extras.get(id)
    if (!found) {
      found = { values: {}, tags: [] }
      extras.set(id, found)
    }
    return found
  }
  const [values, tags] = await Promise.all([
    db
      .from('contact_field_values')
      .join('custom_fields', 'custom_fields.id', 'contact_field_values.custom_field_id')
      .whereIn('contact_field_values.contact_id', contactIds)
      .where('contact_field_values.tenant_id', tenantId)
      .select(
        'contact_field_values.contact_id',
        'custom_fields.key',
        'custom_fields.type',
        'contact_field_values.text_value',
        'contact_field_values.number_value',
        'contact_field_values.date_value'
      ),
    db
      .from('contact_tags')
      .whereIn('contact_id', contactIds)
      .where('tenant_id', tenantId)
      .orderBy('name')
      .select('contact_id', 'name'),
  ])
  for (const row of values as StoredValueRow[]) {
    const value = typedValue(row)
    if (value !== null) extrasOf(Number(row.contact_id)).values[row.key] = value
  }
  for (const row of tags) {
    extrasOf(Number(row.contact_id)).tags.push(String(row.name))
  }
  return extras
}

/**
 * Custom field values and tags of the contacts whose steps a tenant runs
 * at the same time, read by two queries per batch.
 */
const extrasReads = new KeyedBatcher<number, number, Map<number, ContactExtras>>(
  (tenantId, contactIds) => runInTenant(tenantId, () => readExtras([...new Set(contactIds)]))
)

/** Standard attributes of a contact, as `NodeContact.fields` names them. */
export function standardFieldsOf(contact: ContactRecord) {
  return {
    name: contact.name,
    first_name: contact.name?.split(/\s+/)[0] ?? null,
    phone: contact.phone,
    email: contact.email,
    city: contact.city,
    language: contact.language,
  }
}

/** Builds `NodeContact.fields` of a contact of the current tenant: custom fields, tags and attributes. */
export async function contactFieldsOf(contact: ContactRecord): Promise<Record<string, unknown>> {
  const found = await extrasReads.add(currentTenantId()!, contact.id)
  const extras = found.get(contact.id)
  return { ...extras?.values, ...standardFieldsOf(contact), tags: extras?.tags ?? [] }
}

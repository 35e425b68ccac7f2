import db from '@adonisjs/lucid/services/db'
import type { ContactRecord } from '#models/contact'
import CustomField from '#models/custom_field'
import { fieldValuesOf } from '#services/contacts/custom_field_values'
import { currentTenantId, runInTenant } from '#tenancy/tenant_context'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { variablesOf, type TemplateNode } from '#services/templates/template_syntax'

/**
 * Contact attributes a template can use, with their Portuguese names, so
 * `{{nome}}` and `{{name}}` are the same value.
 */
export const CONTACT_VARIABLES: Record<string, 'name' | 'first_name' | 'phone' | 'email' | 'city'> =
  {
    name: 'name',
    nome: 'name',
    first_name: 'first_name',
    primeiro_nome: 'first_name',
    phone: 'phone',
    telefone: 'phone',
    email: 'email',
    city: 'city',
    cidade: 'city',
  }

/** Variables under `campaign.` are set by each campaign and checked when it starts. */
export const CAMPAIGN_PREFIX = 'campaign.'

/**
 * Returns the variable names the current tenant's templates may use.
 */
export async function knownVariables() {
  const fields = await CustomField.query().orderBy('key')
  return {
    contact: Object.keys(CONTACT_VARIABLES),
    fields: fields.map((field) => field.key),
  }
}

/** Tells whether a variable name is read from the contact's custom fields. */
export function isCustomFieldVariable(name: string) {
  return !(name in CONTACT_VARIABLES) && !name.startsWith(CAMPAIGN_PREFIX)
}

/**
 * Returns the names, once each, of the variables of parsed nodes that must
 * exist before a flow using them is published. A campaign variable with a
 * fallback need not, because each campaign may define it or not and the
 * renderer sends the fallback when it does not. Contact fields are checked
 * even with a fallback: the tenant's fields are the same in every campaign,
 * so an unknown name is a typo or a deleted field.
 */
export function variablesToDefine(nodes: TemplateNode[]) {
  const names = variablesOf(nodes)
    .filter((variable) => variable.fallback === null || !variable.name.startsWith(CAMPAIGN_PREFIX))
    .map((variable) => variable.name)
  return [...new Set(names)]
}

export function isKnownVariable(name: string, fieldKeys: Set<string>) {
  return name in CONTACT_VARIABLES || fieldKeys.has(name) || name.startsWith(CAMPAIGN_PREFIX)
}

/**
 * Custom field values of the contacts whose messages a tenant renders at
 * the same time, as the concurrent steps of a campaign do, read by one query.
 */
const fieldValueReads = new KeyedBatcher<number, number, Map<number, Record<string, string>>>(
  (tenantId, contactIds) => runInTenant(tenantId, () => fieldValuesOf([...new Set(contactIds)]))
)

/**
 * Returns the values of every template variable for one contact. With
 * `customFields: false` the contact's custom field values are not read,
 * for a template that uses none.
 */
export async function contactValues(
  contact: ContactRecord,
  campaign: Record<string, string> = {},
  options: { customFields?: boolean } = {}
) {
  let fields: Record<string, string> = {}
  if (options.customFields !== false) {
    const valuesByContact = await fieldValueReads.add(currentTenantId()!, contact.id)
    fields = valuesByContact.get(contact.id) ?? {}
  }
  const attributes = {
    name: contact.name,
    first_name: contact.name?.split(/\s+/)[0] ?? null,
    phone: contact.phone,
    email: contact.email,
    city: contact.city,
  }
  const values: Record<string, string | null> = { ...fields }
  for (const [variable, attribute] of Object.entries(CONTACT_VARIABLES)) {
    values[variable] = attributes[attribute]
  }
  for (const [key, value] of Object.entries(campaign)) {
    values[`${CAMPAIGN_PREFIX}${key}`] = value
  }
  return values
}

/**
 * Finds, for each variable without a fallback, the contacts of the current
 * tenant that have no value for it: how many, and the first few by name.
 * Opted-out contacts are left out because nothing is sent to them.
 */
export async function contactsMissingValues(variables: string[], sampleSize = 5) {
  const tenantId = currentTenantId()!
  const allFields = await CustomField.all()
  const fields = new Map(allFields.map((field) => [field.key, field]))
  const result: {
    variable: string
    count: number
    sample: { id: number; name: string | null }[]
  }[] = []

  for (const variable of [...new Set(variables)]) {
    const query = db
      .from('contacts')
      .where('contacts.tenant_id', tenantId)
      .whereNot('contacts.consent', 'opted_out')
    const attribute = CONTACT_VARIABLES[variable]
    if (attribute) {
      const column = attribute === 'first_name' ? 'name' : attribute
      query.where((inner) =>
        inner.whereNull(`contacts.${column}`).orWhere(`contacts.${column}`, '')
      )
    } else if (fields.has(variable)) {
      query.whereNotExists((sub) =>
        sub
          .from('contact_field_values')
          .whereColumn('contact_field_values.contact_id', 'contacts.id')
          .where('contact_field_values.custom_field_id', fields.get(variable)!.id)
      )
    } else {
      continue
    }
    const counted = await query.clone().count('* as total').first()
    const count = Number(counted?.total ?? 0)
    if (count > 0) {
      const sample = await query
        .select('contacts.id', 'contacts.name')
        .orderBy('contacts.id')
        .limit(sampleSize)
      result.push({ variable, count, sample })
    }
  }
  return result
}

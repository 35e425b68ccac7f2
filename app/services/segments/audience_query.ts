import { DateTime } from 'luxon'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import Contact from '#models/contact'
import CustomField from '#models/custom_field'
import { isGroup, type SegmentGroup, type SegmentRule } from '#services/segments/segment_rules'

type Builder = DatabaseQueryBuilderContract<any> | ReturnType<typeof Contact.query>

/**
 * Builds the query of a segment's contacts in the current tenant. Opted-out
 * contacts are never part of an audience, whatever the rules say.
 */
export function segmentQuery(group: SegmentGroup, fields: Map<string, CustomField>) {
  const query = Contact.query().whereNot('contacts.consent', 'opted_out')
  query.where((builder) => applyGroup(builder, group, fields))
  return query
}

/**
 * Builds the query of a static list's audience: its members, less the
 * opted-out ones.
 */
export function listAudienceQuery(listId: number) {
  return Contact.query()
    .whereNot('contacts.consent', 'opted_out')
    .whereExists((members) => memberOf(members, listId))
}

/**
 * Loads the tenant's custom fields by key, which segment queries compare.
 */
export async function fieldsByKey() {
  const fields = await CustomField.all()
  return new Map(fields.map((field) => [field.key, field]))
}

export async function countListAudience(listId: number) {
  const result = await listAudienceQuery(listId).count('* as total').first()
  return Number(result?.$extras.total ?? 0)
}

export async function countSegment(group: SegmentGroup) {
  const query = segmentQuery(group, await fieldsByKey())
  const result = await query.count('* as total').first()
  return Number(result?.$extras.total ?? 0)
}

function applyGroup(builder: Builder, group: SegmentGroup, fields: Map<string, CustomField>) {
  for (const rule of group.rules) {
    const apply = (inner: Builder) => {
      if (isGroup(rule)) {
        inner.where((nested) => applyGroup(nested, rule, fields))
      } else {
        applyRule(inner, rule, fields)
      }
    }
    if (group.match === 'all') {
      builder.where((inner) => apply(inner))
    } else {
      builder.orWhere((inner) => apply(inner))
    }
  }
}

function applyRule(builder: Builder, rule: SegmentRule, fields: Map<string, CustomField>) {
  switch (rule.type) {
    case 'tag': {
      const tagged = (sub: any) =>
        sub
          .from('contact_tags')
          .whereColumn('contact_tags.contact_id', 'contacts.id')
          .where('contact_tags.name', rule.value)
      return rule.op === 'has' ? builder.whereExists(tagged) : builder.whereNotExists(tagged)
    }
    case 'city':
      if (rule.op === 'contains') return builder.where('contacts.city', 'like', `%${rule.value}%`)
      if (rule.op === 'is') return builder.where('contacts.city', rule.value)
      return builder.where((inner) =>
        inner.whereNull('contacts.city').orWhereNot('contacts.city', rule.value)
      )
    case 'consent':
      return rule.op === 'is'
        ? builder.where('contacts.consent', rule.value)
        : builder.whereNot('contacts.consent', rule.value)
    case 'created':
    case 'last_contacted': {
      const column = rule.type === 'created' ? 'contacts.created_at' : 'contacts.last_contacted_at'
      const day = DateTime.fromISO(rule.value, { zone: 'utc' })
      return rule.op === 'before'
        ? builder.where(column, '<', day.startOf('day').toJSDate())
        : builder.where(column, '>', day.endOf('day').toJSDate())
    }
    case 'replied':
      // NOTE: counts a reply to any campaign until campaign messages are stored per campaign.
      return rule.op === 'yes'
        ? builder.whereNotNull('contacts.last_replied_at')
        : builder.whereNull('contacts.last_replied_at')
    case 'list':
      return rule.op === 'in'
        ? builder.whereExists((sub) => memberOf(sub, rule.value))
        : builder.whereNotExists((sub) => memberOf(sub, rule.value))
    case 'field':
      return applyFieldRule(builder, rule, fields.get(rule.key))
  }
}

function memberOf(sub: any, listId: number) {
  return sub
    .from('contact_list_members')
    .whereColumn('contact_list_members.contact_id', 'contacts.id')
    .where('contact_list_members.contact_list_id', listId)
}

function applyFieldRule(
  builder: Builder,
  rule: Extract<SegmentRule, { type: 'field' }>,
  field: CustomField | undefined
) {
  if (!field) {
    // A deleted field matches nobody, so a stale rule can only shrink an audience.
    return builder.whereRaw('1 = 0')
  }
  const valueOf = (sub: any) =>
    sub
      .from('contact_field_values')
      .whereColumn('contact_field_values.contact_id', 'contacts.id')
      .where('contact_field_values.custom_field_id', field.id)
  if (rule.op === 'empty') return builder.whereNotExists(valueOf)
  if (rule.op === 'not_empty') return builder.whereExists(valueOf)

  const column =
    field.type === 'number' || field.type === 'boolean'
      ? 'contact_field_values.number_value'
      : field.type === 'date'
        ? 'contact_field_values.date_value'
        : 'contact_field_values.text_value'
  const value =
    field.type === 'number' ? Number(rule.value!.replace(',', '.')) : booleanOr(field, rule.value!)
  const compare = (sub: any) => {
    const scoped = valueOf(sub)
    if (rule.op === 'contains') return scoped.where(column, 'like', `%${rule.value}%`)
    if (rule.op === 'gt') return scoped.where(column, '>', value)
    if (rule.op === 'lt') return scoped.where(column, '<', value)
    return scoped.where(column, value)
  }
  return rule.op === 'is_not' ? builder.whereNotExists(compare) : builder.whereExists(compare)
}

function booleanOr(field: CustomField, value: string) {
  if (field.type !== 'boolean') {
    return value
  }
  return ['1', 'true', 'yes', 'sim'].includes(value.toLowerCase()) ? 1 : 0
}

import { DateTime } from 'luxon'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import Contact from '#models/contact'
import { sqlTime } from '#plugins/sdk/sql_time'
import CustomField from '#models/custom_field'
import Tenant from '#models/tenant'
import { currentTenantId } from '#tenancy/tenant_context'
import { isGroup, type SegmentGroup, type SegmentRule } from '#services/segments/segment_rules'
import { whereTagNamed } from '#services/contacts/contact_tags'

type Builder = DatabaseQueryBuilderContract<any> | ReturnType<typeof Contact.query>

/** Tenant data a segment query reads besides its rules, loaded once per query. */
export interface SegmentContext {
  /** The tenant's custom fields by key, which field rules compare. */
  fields: Map<string, CustomField>
  /** The tenant's IANA time zone, in which the date rules' days begin and end. */
  timeZone: string
}

/**
 * Builds the query of a segment's contacts in the current tenant. Opted-out
 * contacts are never part of an audience, whatever the rules say.
 */
export function segmentQuery(group: SegmentGroup, context: SegmentContext) {
  const query = Contact.query().whereNot('contacts.consent', 'opted_out')
  query.where((builder) => applyGroup(builder, group, context))
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
 * Loads the current tenant's custom fields and time zone, which segment
 * queries read.
 */
export async function loadSegmentContext(): Promise<SegmentContext> {
  const [fields, tenant] = await Promise.all([
    CustomField.all(),
    Tenant.findOrFail(currentTenantId()),
  ])
  return {
    fields: new Map(fields.map((field) => [field.key, field])),
    timeZone: tenant.timezone,
  }
}

export async function countListAudience(listId: number) {
  const result = await listAudienceQuery(listId).count('* as total').first()
  return Number(result?.$extras.total ?? 0)
}

export async function countSegment(group: SegmentGroup) {
  const query = segmentQuery(group, await loadSegmentContext())
  const result = await query.count('* as total').first()
  return Number(result?.$extras.total ?? 0)
}

function applyGroup(builder: Builder, group: SegmentGroup, context: SegmentContext) {
  for (const rule of group.rules) {
    const apply = (inner: Builder) => {
      if (isGroup(rule)) {
        inner.where((nested) => applyGroup(nested, rule, context))
      } else {
        applyRule(inner, rule, context)
      }
    }
    if (group.match === 'all') {
      builder.where((inner) => apply(inner))
    } else {
      builder.orWhere((inner) => apply(inner))
    }
  }
}

function applyRule(builder: Builder, rule: SegmentRule, context: SegmentContext) {
  switch (rule.type) {
    case 'tag': {
      const tagged = (sub: any) =>
        whereTagNamed(
          sub.from('contact_tags').whereColumn('contact_tags.contact_id', 'contacts.id'),
          rule.value
        )
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
    case 'created': {
      const { start, end } = dayBounds(rule.value, context.timeZone)
      return rule.op === 'before'
        ? builder.where('contacts.created_at', '<', start)
        : builder.where('contacts.created_at', '>=', end)
    }
    case 'last_contacted': {
      const { start, end } = dayBounds(rule.value, context.timeZone)
      if (rule.op === 'after') {
        return builder.whereExists((sub) => sentTo(sub, end))
      }
      return builder.whereExists((sub) => sentTo(sub)).whereNotExists((sub) => sentTo(sub, start))
    }
    case 'replied':
      return rule.op === 'yes'
        ? builder.whereExists((sub) => repliesTo(sub, rule.value))
        : builder.whereNotExists((sub) => repliesTo(sub, rule.value))
    case 'list':
      return rule.op === 'in'
        ? builder.whereExists((sub) => memberOf(sub, rule.value))
        : builder.whereNotExists((sub) => memberOf(sub, rule.value))
    case 'field':
      return applyFieldRule(builder, rule, context.fields.get(rule.key))
  }
}

/**
 * Returns the start of a day written `YYYY-MM-DD` in `timeZone` and the
 * start of the next, as UTC SQL time text. SQLite cannot bind a `Date`: it
 * would compare the date's number with the column's text.
 */
function dayBounds(day: string, timeZone: string) {
  const start = DateTime.fromISO(day, { zone: timeZone }).startOf('day')
  return { start: sqlTime(start), end: sqlTime(start.plus({ days: 1 })) }
}

/**
 * Selects the messages that left for the contact, sent at or after `from` when given.
 * A message counts once the channel accepted it (`sent_at`), whether a
 * campaign or a person in the inbox sent it.
 */
function sentTo(sub: any, from?: string) {
  sub
    .from('messages as sent')
    .whereColumn('sent.tenant_id', 'contacts.tenant_id')
    .whereColumn('sent.contact_id', 'contacts.id')
    .where('sent.direction', 'out')
    .whereNotNull('sent.sent_at')
  return from ? sub.where('sent.sent_at', '>=', from) : sub
}

/**
 * Selects the contact's replies to a campaign message: inbound messages on
 * a number that had sent the contact a campaign message before them. A reply
 * belongs to the latest campaign message sent to the contact on that number
 * before it, as the reports count it. With `campaignId`, only the replies
 * that belong to that campaign match.
 */
function repliesTo(sub: any, campaignId?: number) {
  sub
    .from('messages as reply')
    .whereColumn('reply.tenant_id', 'contacts.tenant_id')
    .whereColumn('reply.contact_id', 'contacts.id')
    .where('reply.direction', 'in')
  const answered = `select answered.campaign_id from messages as answered
    where answered.tenant_id = reply.tenant_id and answered.contact_id = reply.contact_id
      and answered.instance_id = reply.instance_id and answered.direction = 'out'
      and answered.campaign_id is not null and answered.sent_at is not null
      and answered.id < reply.id
    order by answered.id desc limit 1`
  return campaignId === undefined
    ? sub.whereRaw(`exists (${answered})`)
    : sub.whereRaw(`(${answered}) = ?`, [campaignId])
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

import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import Contact, { CONSENT_STATES, type ConsentState } from '#models/contact'
import { phoneSearchTerm } from '#services/contacts/phone_numbers'
import { sqlTime } from '#plugins/sdk/sql_time'
import { whereTagNamed } from '#services/contacts/contact_tags'
import { containingGlob } from '#services/database/glob_patterns'

export interface ContactFilters {
  /** Name, e-mail, tag, or phone number in any format. */
  q?: string
  consent?: ConsentState
  tag?: string
  listId?: number
  createdAfter?: string
  createdBefore?: string
  page?: number
}

export const CONTACTS_PER_PAGE = 25

/** Returns a query string value when it is one piece of text, else `undefined`. */
function textParam(value: unknown) {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Reads the contacts page's filters from its query string. A parameter that
 * is repeated or nested (`q[]=a`) is not text and is ignored, like a
 * missing one.
 */
export function contactFiltersFrom(query: Record<string, unknown>): ContactFilters {
  return {
    q: textParam(query.q),
    consent: textParam(query.consent) as ConsentState | undefined,
    tag: textParam(query.tag),
    listId: Number(textParam(query.list)) || undefined,
    createdAfter: textParam(query.createdAfter),
    createdBefore: textParam(query.createdBefore),
  }
}

/**
 * Escape character of the LIKE patterns below. SQLite has no default one,
 * so each pattern names it; `!` needs no escaping inside a MySQL or SQLite
 * string literal, unlike a backslash.
 */
const LIKE_ESCAPE = '!'

/**
 * A LIKE pattern that matches `term` anywhere, with `%`, `_` and the escape
 * character in the term taken literally.
 */
export function containing(term: string) {
  return `%${term.replace(/[!%_]/g, (char) => `${LIKE_ESCAPE}${char}`)}%`
}

/**
 * Builds the contact query of the contacts page for the current tenant.
 */
export function contactSearchQuery(filters: ContactFilters, defaultCountry: string) {
  const query = Contact.query()
  const term = filters.q?.trim()
  if (term) {
    const digits = phoneSearchTerm(term, defaultCountry)
    query.where((group) => {
      group
        .whereRaw(`contacts.name like ? escape '${LIKE_ESCAPE}'`, [containing(term)])
        .orWhereRaw(`contacts.email like ? escape '${LIKE_ESCAPE}'`, [
          containing(term.toLowerCase()),
        ])
        .orWhereExists((tags) =>
          whereTagNamed(
            tags.from('contact_tags').whereColumn('contact_tags.contact_id', 'contacts.id'),
            term
          )
        )
      if (digits) {
        group.orWhere('contacts.phone', 'like', `%${digits}%`)
      }
    })
  }

  if (filters.consent && CONSENT_STATES.includes(filters.consent)) {
    query.where('contacts.consent', filters.consent)
  }
  if (filters.tag) {
    query.whereExists((tags) =>
      whereTagNamed(
        tags.from('contact_tags').whereColumn('contact_tags.contact_id', 'contacts.id'),
        filters.tag!
      )
    )
  }
  if (filters.listId) {
    query.whereExists((members) =>
      members
        .from('contact_list_members')
        .whereColumn('contact_list_members.contact_id', 'contacts.id')
        .where('contact_list_members.contact_list_id', filters.listId!)
    )
  }
  applyDateFilter(query, '>=', filters.createdAfter, 'startOf')
  applyDateFilter(query, '<=', filters.createdBefore, 'endOf')
  return query
}

/** Contacts a contact picker offers per search at most. */
export const CONTACT_CHOICES_LIMIT = 20

/**
 * Limits `query` to the contacts whose name contains `search` or whose
 * phone contains its digits, at most `limit` of them, by name. Names match
 * ignoring case and accents: MariaDB and MySQL compare them so under their
 * `_ci` collations, and SQLite through `containingGlob`. Contacts without a
 * name come last.
 * NOTE: SQLite sorts accented capitals after Z, so when more contacts match
 * than `limit`, it may return other ones than MariaDB. Pickers sort what
 * they get in the interface language's order.
 */
export async function findContactChoices(
  query: ModelQueryBuilderContract<typeof Contact>,
  search: string,
  defaultCountry: string,
  limit = CONTACT_CHOICES_LIMIT
): Promise<Contact[]> {
  const sqlite = db.connection().dialect.name !== 'mysql'
  const term = search.trim()
  if (term) {
    const digits = phoneSearchTerm(term, defaultCountry)
    query.where((group) => {
      if (sqlite) {
        group.whereRaw('contacts.name glob ?', [containingGlob(term)])
      } else {
        group.whereRaw(`contacts.name like ? escape '${LIKE_ESCAPE}'`, [containing(term)])
      }
      if (digits) {
        group.orWhere('contacts.phone', 'like', `%${digits}%`)
      }
    })
  }
  const byName = sqlite ? 'contacts.name collate nocase' : 'contacts.name'
  return query.orderByRaw(`contacts.name is null, ${byName}`).orderBy('contacts.id').limit(limit)
}

function applyDateFilter(
  query: ReturnType<typeof Contact.query>,
  operator: '>=' | '<=',
  value: string | undefined,
  edge: 'startOf' | 'endOf'
) {
  if (!value) {
    return
  }
  const date = DateTime.fromISO(value, { zone: 'utc' })
  if (date.isValid) {
    query.where('contacts.created_at', operator, sqlTime(date[edge]('day')))
  }
}

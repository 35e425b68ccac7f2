import db from '@adonisjs/lucid/services/db'
import Contact from '#models/contact'
import type ContactList from '#models/contact_list'
import { addToLists } from '#services/contacts/contact_service'
import { parsePhone } from '#services/contacts/phone_numbers'
import { MAX_BINDINGS, chunked, type Client } from '#services/contacts/bulk_writes'
import {
  emitListChanges,
  type ContactUpdateOrigin,
  type ListChange,
} from '#services/contacts/contact_changes'
import { getQueue } from '#queues/queue_factory'
import {
  CONTACT_EVENTS_QUEUE,
  listChangeEventsJob,
  type ListChangeEventsData,
} from '#jobs/list_change_events_job'

/** Contacts of a list change whose events the request emits itself. */
export const INLINE_LIST_EVENTS = 500

/** Contacts of one background job of a larger list change. */
const CONTACTS_PER_EVENT_JOB = 5000

/**
 * Emits `contact:updated` for the contacts a committed list change moved.
 * Up to INLINE_LIST_EVENTS contacts are emitted before this returns. A
 * larger change, such as deleting a list of 100,000 members, is handed to
 * background jobs of CONTACTS_PER_EVENT_JOB contacts, so the request
 * returns at once and a worker process emits the events.
 */
export async function announceListChanges(
  tenantId: number,
  listId: number,
  change: ListChange,
  contactIds: number[],
  origin: ContactUpdateOrigin
) {
  if (contactIds.length <= INLINE_LIST_EVENTS) {
    await emitListChanges(tenantId, listId, change, contactIds, origin)
    return
  }
  const occurredAt = new Date().toISOString()
  const jobs = [...chunked(contactIds, CONTACTS_PER_EVENT_JOB)].map((part) => {
    const data: ListChangeEventsData = {
      tenantId,
      listId,
      change,
      contactIds: part,
      origin,
      occurredAt,
    }
    return { name: listChangeEventsJob.name, data, opts: listChangeEventsJob.defaults }
  })
  await getQueue(CONTACT_EVENTS_QUEUE).addBulk(jobs)
}

/** Returns which of `contactIds` are members of the list, in one query per chunk of ids. */
async function membersAmong(client: Client, listId: number, contactIds: number[]) {
  const members = new Set<number>()
  for (const chunk of chunked([...new Set(contactIds)], MAX_BINDINGS - 1)) {
    const rows = await client
      .from('contact_list_members')
      .where('contact_list_id', listId)
      .whereIn('contact_id', chunk)
      .select('contact_id')
    for (const row of rows) {
      members.add(Number(row.contact_id))
    }
  }
  return members
}

/**
 * Adds contacts of the current tenant to a static list by id or by phone
 * number in any format, and emits `contact:updated` for each contact that
 * was not a member yet. Returns how many contacts were found (`added`, the
 * members among them included), the entries that are not phone numbers
 * (`invalid`) and the numbers that match no contact (`notFound`), each as
 * typed.
 */
export async function addListMembers(
  list: ContactList,
  input: { contactIds: number[]; phones: string[] },
  defaultCountry: string,
  origin: ContactUpdateOrigin
) {
  const numbers = input.phones.map((phone) => parsePhone(phone, defaultCountry))
  const valid = numbers.flatMap((number) => (number.ok ? [number.e164] : []))
  const contacts = await Contact.query()
    .where((query) => query.whereIn('id', input.contactIds).orWhereIn('phone', valid))
    .select('id', 'phone')
  const ids = contacts.map((contact) => contact.id)
  // NOTE: a contact that another request adds to the list between the read
  // and the insert is reported by both requests.
  const joined = await db.transaction(async (trx) => {
    const members = await membersAmong(trx, list.id, ids)
    await addToLists(ids, [list.id], trx)
    return ids.filter((id) => !members.has(id))
  })
  await announceListChanges(list.tenantId, list.id, 'joined', joined, origin)

  const found = new Set(contacts.map((contact) => contact.phone))
  const invalid: string[] = []
  const notFound: string[] = []
  input.phones.forEach((phone, index) => {
    const number = numbers[index]
    if (!number.ok) {
      invalid.push(phone)
    } else if (!found.has(number.e164)) {
      notFound.push(phone)
    }
  })
  return { added: contacts.length, invalid, notFound }
}

/**
 * Removes contacts from a static list and emits `contact:updated` for each
 * contact that was a member. Returns how many memberships were removed.
 */
export async function removeListMembers(
  list: ContactList,
  contactIds: number[],
  origin: ContactUpdateOrigin
) {
  const left = await db.transaction(async (trx) => {
    const members = [...(await membersAmong(trx, list.id, contactIds))]
    for (const chunk of chunked(members, MAX_BINDINGS - 1)) {
      await trx
        .from('contact_list_members')
        .where('contact_list_id', list.id)
        .whereIn('contact_id', chunk)
        .delete()
    }
    return members
  })
  await announceListChanges(list.tenantId, list.id, 'left', left, origin)
  return left.length
}

/**
 * Deletes a static list with its memberships, and emits `contact:updated`
 * with the list in `lists.left` for each of its members, so a copy of the
 * contacts kept elsewhere drops the list too. Returns how many contacts the
 * list had.
 */
export async function deleteList(list: ContactList, origin: ContactUpdateOrigin) {
  const left = await db.transaction(async (trx) => {
    const rows = await trx
      .from('contact_list_members')
      .where('contact_list_id', list.id)
      .select('contact_id')
    await trx.from('contact_list_members').where('contact_list_id', list.id).delete()
    await list.useTransaction(trx).delete()
    return rows.map((row) => Number(row.contact_id))
  })
  await announceListChanges(list.tenantId, list.id, 'left', left, origin)
  return left.length
}

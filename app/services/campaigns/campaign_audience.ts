import Contact from '#models/contact'
import Segment from '#models/segment'
import { findContactChoices } from '#services/contacts/contact_search'
import {
  listAudienceQuery,
  loadSegmentContext,
  segmentQuery,
  type SegmentContext,
} from '#services/segments/audience_query'

/**
 * Loads what a campaign audience's query needs and returns a function that
 * builds it in the current tenant: contacts in any of the lists or segments,
 * each once, opted-out contacts left out. A function, because an async
 * function cannot return a Lucid query without running it.
 */
export async function audienceQuery(listIds: number[], segmentIds: number[]) {
  const segments = segmentIds.length > 0 ? await Segment.query().whereIn('id', segmentIds) : []
  const context = await loadSegmentContext()
  return () => buildAudienceQuery(listIds, segments, context)
}

function buildAudienceQuery(listIds: number[], segments: Segment[], context: SegmentContext) {
  const query = Contact.query().whereNot('contacts.consent', 'opted_out')
  if (listIds.length === 0 && segments.length === 0) {
    return query.whereRaw('1 = 0')
  }
  return query.where((any) => {
    for (const listId of listIds) {
      any.orWhereIn('contacts.id', listAudienceQuery(listId).select('contacts.id'))
    }
    for (const segment of segments) {
      any.orWhereIn('contacts.id', segmentQuery(segment.rules, context).select('contacts.id'))
    }
  })
}

/** Counts the contacts a campaign with this audience would reach now. */
export async function countAudience(listIds: number[], segmentIds: number[]) {
  const query = (await audienceQuery(listIds, segmentIds))()
  const result = await query.count('* as total').first()
  return Number(result?.$extras.total ?? 0)
}

/** Finds audience contacts by name or phone (see `findContactChoices`), for the message preview. */
export async function findAudienceContacts(
  listIds: number[],
  segmentIds: number[],
  search: string,
  defaultCountry: string
) {
  const query = (await audienceQuery(listIds, segmentIds))()
  return findContactChoices(query, search, defaultCountry)
}

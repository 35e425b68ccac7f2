import Contact from '#models/contact'
import Segment from '#models/segment'
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

/** Finds up to `limit` audience contacts by name or phone, for the message preview. */
export async function findAudienceContacts(
  listIds: number[],
  segmentIds: number[],
  search: string,
  limit = 20
) {
  const query = (await audienceQuery(listIds, segmentIds))()
  if (search.trim() !== '') {
    const term = `%${search.trim()}%`
    query.where((match) =>
      match.where('contacts.name', 'like', term).orWhere('contacts.phone', 'like', term)
    )
  }
  return query.orderBy('contacts.name').orderBy('contacts.id').limit(limit)
}

import logger from '@adonisjs/core/services/logger'
import { broadcastConversation, broadcastUnread } from '#services/channels/channel_broadcast'
import { KeyedBatcher } from '#plugins/sdk/batching'
import { conversationSummaries, unreadCounts } from '#services/inbox/inbox_queries'

/** Summaries of a tenant's conversations changed at the same time, read by one query. */
const summaries = new KeyedBatcher<number, number, Map<number, Record<string, unknown>>>(
  (_tenantId, conversationIds) => conversationSummaries([...new Set(conversationIds)])
)

/**
 * Broadcasts a conversation as the inbox list shows it. Runs inside the
 * conversation's tenant scope. A failure is logged and not raised, because
 * the change is already stored and the page reloads the list on its next
 * visit.
 */
export async function publishConversation(tenantId: number, conversationId: number) {
  try {
    const batch = await summaries.add(tenantId, conversationId)
    const summary = batch.get(conversationId)
    if (summary) {
      broadcastConversation(tenantId, summary)
    }
  } catch (error) {
    logger.warn({ err: error, conversationId }, 'conversation broadcast failed')
  }
}

/**
 * Counts the tenant's unread conversations again and broadcasts the totals.
 * Call it after a change that can move them: an inbound message, a read,
 * a merge. Runs inside the tenant's scope; a failure is logged and not
 * raised, because every page load reads the totals again.
 */
export async function publishUnread(tenantId: number) {
  try {
    const countedAt = Date.now()
    broadcastUnread(tenantId, await unreadCounts(), countedAt)
  } catch (error) {
    logger.warn({ err: error, tenantId }, 'unread totals broadcast failed')
  }
}

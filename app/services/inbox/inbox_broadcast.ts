import logger from '@adonisjs/core/services/logger'
import { broadcastConversation } from '#services/channels/channel_broadcast'
import { conversationSummary } from '#services/inbox/inbox_queries'

/**
 * Broadcasts a conversation as the inbox list shows it. Runs inside the
 * conversation's tenant scope. A failure is logged and not raised, because
 * the change is already stored and the page reloads the list on its next
 * visit.
 */
export async function publishConversation(tenantId: number, conversationId: number) {
  try {
    const summary = await conversationSummary(conversationId)
    if (summary) {
      broadcastConversation(tenantId, summary)
    }
  } catch (error) {
    logger.warn({ err: error, conversationId }, 'conversation broadcast failed')
  }
}

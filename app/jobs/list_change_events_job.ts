import logger from '@adonisjs/core/services/logger'
import { defineJob } from '#queues/job_registry'
import { runInTenant } from '#tenancy/tenant_context'
import {
  emitListChanges,
  type ContactUpdateOrigin,
  type ListChange,
} from '#services/contacts/contact_changes'

/** Queue of the `contact:updated` events of large list changes. */
export const CONTACT_EVENTS_QUEUE = 'contact-events'

/** Data of one job: a part of the contacts of one list change. */
export interface ListChangeEventsData {
  tenantId: number
  listId: number
  change: ListChange
  contactIds: number[]
  origin: ContactUpdateOrigin
  /** When the change was committed, ISO-8601 UTC, shared by every event of the change. */
  occurredAt: string
}

/**
 * Emits `contact:updated` for a part of a large list change that the
 * request handed over (see `announceListChanges`). A retried job emits the
 * events of its part again, so subscribers may see a repeated event.
 */
export const listChangeEventsJob = defineJob<ListChangeEventsData>({
  queue: CONTACT_EVENTS_QUEUE,
  name: 'list-change-events',
  concurrency: 2,
  defaults: { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true },
  async handle({ data, id }) {
    await runInTenant(data.tenantId, () =>
      emitListChanges(data.tenantId, data.listId, data.change, data.contactIds, data.origin, {
        occurredAt: data.occurredAt,
      })
    )
    logger.info(
      { jobId: id, tenantId: data.tenantId, listId: data.listId, contacts: data.contactIds.length },
      'list change events emitted'
    )
    return data.contactIds.length
  },
})

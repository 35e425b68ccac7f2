import emitter from '@adonisjs/core/services/emitter'
import type { EventsList } from '@adonisjs/core/types'
import type { DomainEventName, DomainEvents } from '#sdk'

/**
 * Emits a domain event once the change it describes is committed, and
 * resolves after every subscriber ran. Subscribers of plugins that the
 * event's tenant has disabled are skipped. `occurredAt` defaults to now.
 *
 * @example
 * await emitDomainEvent('contact:created', { tenantId, contactId, source: 'api', userId: null })
 */
export async function emitDomainEvent<Event extends DomainEventName>(
  event: Event,
  payload: Omit<DomainEvents[Event], 'occurredAt'> & { occurredAt?: string }
) {
  const full = { ...payload, occurredAt: payload.occurredAt ?? new Date().toISOString() }
  await emitter.emit(event, full as unknown as EventsList[Event])
}

declare module '@adonisjs/core/types' {
  interface EventsList extends DomainEvents {}
}

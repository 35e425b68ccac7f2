/**
 * Contact events of the core outside the plugin SDK's catalogue, emitted
 * through the application's emitter. Listeners receive ids, never phone
 * numbers.
 */
export interface ContactEvent {
  tenantId: number
  contactId: number
}

export interface ConsentEvent extends ContactEvent {
  /** Cause of the consent change: `operator` or `api`. */
  source: string
}

/**
 * Events of the core that the plugin SDK's catalogue does not list, so
 * plugins and webhooks do not receive them. The catalogue's contact and
 * import events are typed in `#sdk`.
 */
declare module '@adonisjs/core/types' {
  interface EventsList {
    'contact:deleted': ContactEvent
    'contact:opted_in': ConsentEvent
  }
}

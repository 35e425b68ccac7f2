/**
 * Domain events of contacts and imports, emitted through the application's
 * emitter. Listeners (plugins, webhooks, the campaign engine) receive ids,
 * never phone numbers.
 */
export interface ContactEvent {
  tenantId: number
  contactId: number
}

export interface ConsentEvent extends ContactEvent {
  /** What changed the consent: `keyword`, `operator`, `import`. */
  source: string
}

export interface ImportFinishedEvent {
  tenantId: number
  importId: number
  /** The member who uploaded the file. */
  userId: number | null
  status: 'finished' | 'failed'
  created: number
  updated: number
  /** Rows of existing contacts left as they were, in skip mode. */
  kept: number
  /** Rows that repeat a number of an earlier row of the file. */
  duplicates: number
  rejected: number
  warned: number
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'contact:created': ContactEvent
    'contact:updated': ContactEvent
    'contact:deleted': ContactEvent
    'contact:opted_out': ConsentEvent
    'contact:opted_in': ConsentEvent
    'import:finished': ImportFinishedEvent
  }
}

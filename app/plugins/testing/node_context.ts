import { DateTime } from 'luxon'
import logger from '@adonisjs/core/services/logger'
import type {
  ContactUpdate,
  ContactUpdateResult,
  NodeExecutionContext,
  NodeResume,
  SendOutcome,
  SendRequest,
} from '#sdk'

export interface NodeContextOptions<Config> {
  config: Config
  /** The engine's instant, as an ISO-8601 string or a DateTime. @default the real now */
  now?: string | DateTime
  /** The contact's IANA time zone. @default 'UTC' */
  timeZone?: string
  resume?: NodeResume | null
  state?: Record<string, unknown> | null
  /**
   * What `requestSend` resolves with, playing the engine's part.
   *
   * @default a `sent` outcome with message id 1
   */
  sendOutcome?: SendOutcome
  contactFields?: Record<string, unknown>
  /**
   * Result that `contact.update` resolves with, playing the engine's part.
   *
   * @default `{ status: 'updated' }`
   */
  updateOutcome?: ContactUpdateResult
}

/** Replaces each `{{name}}` or `{{name|fallback}}` with a contact field, else the fallback. */
function renderWithFields(text: string, fields: Record<string, unknown>) {
  const missing: string[] = []
  const rendered = text.replace(/\{\{\s*([\w.]+)\s*(?:\|([^}]*))?\}\}/g, (_, name, fallback) => {
    const value = fields[name]
    if (value !== undefined && value !== null && String(value).trim() !== '') {
      return String(value)
    }
    if (fallback === undefined) {
      missing.push(name)
    }
    return fallback ?? ''
  })
  return { text: rendered, missing }
}

/**
 * Builds the context the engine hands an executor, for unit tests of node
 * types. `requestSend` records each request in `sendRequests` and resolves
 * with `sendOutcome`, as the engine does once the provider answered.
 * `contact.update` records each update in `contactUpdates` and resolves
 * with `updateOutcome`. `renderText` fills `{{variables}}` from
 * `contactFields` (variations are not rendered).
 */
export function createNodeContext<Config>(options: NodeContextOptions<Config>) {
  const sendRequests: SendRequest[] = []
  const contactUpdates: ContactUpdate[] = []
  const fields = options.contactFields ?? {}
  const now =
    typeof options.now === 'string'
      ? DateTime.fromISO(options.now, { zone: 'utc' })
      : (options.now ?? DateTime.utc())
  const timeZone = options.timeZone ?? 'UTC'

  const context: NodeExecutionContext<Config> = {
    config: options.config,
    node: { id: 'node-1', type: 'test', version: 1 },
    journey: { id: 1, campaignId: null, step: 1 },
    tenant: { id: 1, timeZone },
    contact: {
      id: 1,
      timeZone,
      fields,
      async update(changes) {
        contactUpdates.push(changes)
        return options.updateOutcome ?? { status: 'updated' }
      },
    },
    now,
    resume: options.resume ?? null,
    state: options.state ?? null,
    async requestSend(request) {
      sendRequests.push(request)
      return options.sendOutcome ?? { status: 'sent', messageId: 1, providerMessageId: 'TEST-1' }
    },
    async renderText(text) {
      return renderWithFields(text, fields)
    },
    logger: logger.child({ test: 'node-context' }),
  }
  return { context, sendRequests, contactUpdates }
}

/** A reply for `resume`, received at `at` (ISO-8601). */
export function replyResume(text: string | null, at = '2025-01-01T12:00:00Z'): NodeResume {
  return {
    reason: 'reply',
    reply: { text, receivedAt: DateTime.fromISO(at, { zone: 'utc' }), providerMessageId: 'IN-1' },
  }
}

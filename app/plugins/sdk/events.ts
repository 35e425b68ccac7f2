/**
 * The domain events of the core: what happened to contacts, campaigns,
 * messages, channel instances and imports. The core emits each of them
 * through the AdonisJS emitter once the change is committed, and plugins
 * subscribe with `plugin.on(name, handler)`.
 *
 * Every payload carries the `tenantId` it belongs to and `occurredAt`, an
 * ISO-8601 UTC timestamp of the change. Ids are database ids of the core's
 * rows. Payloads never carry message bodies of outbound campaign messages or
 * full contact records (`contact:updated` carries the changed values only):
 * a subscriber that needs more reads it by id.
 */
export interface DomainEventBase {
  /** Tenant whose data changed. Subscribers run inside this tenant's scope. */
  tenantId: number
  /** When the change happened, ISO-8601 in UTC, such as `2025-03-11T00:30:00.000Z`. */
  occurredAt: string
}

/**
 * Origin of a new contact: a member's form (`manual`) or the REST API.
 * Contacts that an import creates are reported by `import:finished` only.
 */
export type ContactSource = 'manual' | 'api'

/**
 * A new contact, from a member's form or the REST API. Its first values are
 * not in the payload: a subscriber reads the contact by id. Later changes
 * are `contact:updated`.
 */
export interface ContactCreatedEvent extends DomainEventBase {
  contactId: number
  source: ContactSource
  /** The member who sent the form, when `source` is `manual`, else `null`. */
  userId: number | null
}

/**
 * Origin of a contact change: a member's form (`manual`), the REST API, or
 * a campaign's Update contact step (`flow`).
 */
export type ContactChangeSource = ContactSource | 'flow'

/** A value before and after a change; `null` is an empty value. */
export interface ValueChange<Value> {
  old: Value | null
  new: Value | null
}

/**
 * Changes made to a contact. Only what differs is listed: an attribute
 * or field saved with its old value is left out, and so are the tags and
 * lists of the contact that stayed.
 */
export interface ContactChanges {
  /**
   * Attributes of the contact by name: `name`, `phone`, `extraPhones` (an
   * array of E.164 numbers), `email`, `city`, `notes`, `timezone`, `language`.
   */
  attributes: Record<string, ValueChange<string | string[]>>
  /** Custom field values by field key, as text the way the contact page shows them. */
  fields: Record<string, ValueChange<string>>
  /** Tag names the contact gained and lost, sorted. */
  tags: { added: string[]; removed: string[] }
  /** Ids of the static lists the contact joined and left, ascending. */
  lists: { joined: number[]; left: number[] }
}

/**
 * A contact that a member (the contacts page, tags in the inbox, the list
 * pages), the REST API or a campaign's Update contact step changed. Adding
 * contacts to a list, removing them, and deleting a list emit one event per
 * contact whose memberships changed. A save that changes nothing emits no
 * event, so an Update contact step that runs again after a crash emits
 * nothing for the changes its first run made. Consent changes are
 * `contact:opted_out` and `contact:opted_in`, and a new contact is
 * `contact:created`, never this.
 *
 * Imports emit no per-contact events: a file of 100,000 rows would become
 * 100,000 webhook deliveries. An import reports itself once with
 * `import:finished` and its counts, and a subscriber that needs the
 * contacts reads the members of the import's `listIds`.
 */
export interface ContactUpdatedEvent extends DomainEventBase {
  contactId: number
  source: ContactChangeSource
  /** The member who made the change, when `source` is `manual`, else `null`. */
  userId: number | null
  /** The campaign whose step changed the contact, when `source` is `flow`, else `null`. */
  campaignId: number | null
  /** The journey of that step, when `source` is `flow`, else `null`. */
  journeyId: number | null
  /**
   * Names of what changed: attribute names, `fields.<key>` for custom
   * fields, `tags` and `lists`, such as `['name', 'fields.city', 'tags']`.
   */
  changedFields: string[]
  changes: ContactChanges
}

/** A contact erased by a member (`manual`) or through the REST API. */
export interface ContactDeletedEvent extends DomainEventBase {
  contactId: number
  source: ContactSource
  /** The member who deleted the contact, when `source` is `manual`. */
  userId: number | null
}

/** A contact opted back in, which only a member (`operator`) or the REST API can do. */
export interface ContactOptedInEvent extends DomainEventBase {
  contactId: number
  reason: 'operator' | 'api'
  /** The member who opted the contact in, when `reason` is `operator`. */
  userId: number | null
}

export interface ContactOptedOutEvent extends DomainEventBase {
  contactId: number
  /** `keyword`: the contact replied with an opt-out keyword; `operator`: a member opted them out. */
  reason: 'keyword' | 'operator' | 'api'
  /** The keyword that matched, when `reason` is `keyword`. */
  keyword: string | null
  /** The member who opted the contact out, when `reason` is `operator`. */
  userId: number | null
}

export interface CampaignEvent extends DomainEventBase {
  campaignId: number
  /** The member who caused the change, or `null` when the scheduler or the engine did. */
  userId: number | null
}

export interface CampaignScheduledEvent extends CampaignEvent {
  /** When the campaign starts, ISO-8601 in UTC. */
  startsAt: string
}

export interface CampaignFinishedEvent extends CampaignEvent {
  /** Journeys that reached an end, over the whole campaign. */
  completedJourneys: number
}

/**
 * A stage an outbound message reached, emitted once per stage in the order
 * queued, sent, delivered, read. A receipt that overtakes an earlier one
 * emits the stages it implies first, each with the receipt's time.
 */
export interface MessageEvent extends DomainEventBase {
  messageId: number
  contactId: number
  /**
   * The campaign that sent it, or `null` for a message outside a campaign
   * (an inbox reply or an opt-out confirmation).
   */
  campaignId: number | null
  /** The channel instance that carries it. */
  instanceId: number
  /** Id of the message at the provider, chosen before the send. */
  providerMessageId: string
}

/**
 * Failure code of a campaign message that its campaign's cancel stopped
 * before the send. The row keeps status `failed` with this code. The
 * message was never sent, so the pages and the reports count it as
 * cancelled, not failed, and `message:cancelled` reports it instead of
 * `message:failed`.
 */
export const CAMPAIGN_CANCELLED_CODE = 'E_CAMPAIGN_CANCELLED'

/**
 * A campaign message that its campaign's cancel stopped before the send.
 * `occurredAt` is when the send was stopped (the row's `failed_at`).
 */
export interface MessageCancelledEvent extends MessageEvent {
  /** Always `CAMPAIGN_CANCELLED_CODE`, as stored in the row's `failure_code`. */
  code: typeof CAMPAIGN_CANCELLED_CODE
}

/** A message that could not be sent. A send a campaign's cancel stopped is `message:cancelled`. */
export interface MessageFailedEvent extends MessageEvent {
  /** Error code, such as `E_NOT_ON_WHATSAPP`. */
  code: string
  /** Human-readable reason, in English, for logs and audit. */
  reason: string
}

/**
 * A campaign's send step that failed before its message existed, such as a
 * template deleted since publishing or a variable without a value for the
 * contact. No `message:*` event reports it, and the contact's journey leaves
 * the step by its `failed` port. A step that runs again after a crash may
 * emit it again with the same `journeyId` and `step`, so count the pair once.
 */
export interface StepFailedEvent extends DomainEventBase {
  campaignId: number
  /** The contact the message was for. */
  contactId: number
  journeyId: number
  /** Number of the step in the journey, starting at 1. */
  step: number
  /** The flow node of the send step. */
  nodeId: string
  /** The channel instance the message would have been sent through. */
  instanceId: number
  /** Error code, such as `E_TEMPLATE_RENDER`. */
  code: string
  /** Human-readable reason, in English, for logs and audit. */
  reason: string
}

export interface MessageReceivedEvent extends DomainEventBase {
  messageId: number
  /** The contact who wrote, or `null` when the sender is not a contact yet. */
  contactId: number | null
  instanceId: number
  /** Sender address as the channel reports it; E.164 for phone channels. */
  senderAddress: string
  providerMessageId: string
}

/** Status of a channel instance, as its driver reports it. See `ChannelStatus`. */
export type InstanceStatus =
  'connecting' | 'qr' | 'open' | 'reconnecting' | 'logged_out' | 'restricted' | 'closed'

export interface InstanceStatusChangedEvent extends DomainEventBase {
  instanceId: number
  /** Channel id of the instance's driver, such as `whatsapp`. */
  channel: string
  status: InstanceStatus
  previousStatus: InstanceStatus | null
  /** Why the status changed, when the driver said (`restricted`, `logged_out`, `reconnecting`). */
  reason: string | null
  /**
   * The member whose request caused the change (Disconnect or Log out on
   * the connections page, or deleting the connection), or `null` when the
   * channel reported it by itself, such as a dropped phone or a completed
   * pairing. Every event the core emits sets it. It is optional so that
   * plugins written before it existed still type-check.
   */
  userId?: number | null
}

export interface ImportFinishedEvent extends DomainEventBase {
  importId: number
  /** The member who uploaded the file, or `null` when unknown. */
  userId: number | null
  /** Outcome: `failed` when the import stopped on an error, and the counts cover the rows before it. */
  status: 'finished' | 'failed'
  /** The lists the imported contacts were added to, empty when none. */
  listIds: number[]
  /** Rows that created a contact. */
  created: number
  /** Rows that updated an existing contact. */
  updated: number
  /**
   * Rows of existing contacts left as they were, because the import keeps
   * existing contacts; they still join the import's lists.
   */
  kept: number
  /** Rows left out because their number repeats an earlier row of the file. */
  skipped: number
  /** Rows rejected, such as for an invalid phone number. */
  failed: number
  /** Created or updated rows that carry a warning, such as a landline number. */
  warned: number
}

/**
 * An action worth an audit entry that no other event of the catalogue
 * describes: invitations, role changes, template and settings changes,
 * exports, API tokens, a member's connection, contact list and campaign
 * changes. The core emits it where the action happens; the audit plugin
 * stores it.
 */
export interface AuditRecordEvent extends DomainEventBase {
  /** What happened, `<noun>.<verb>` in snake case, such as `member.role_changed`. */
  action: string
  /** The user who did it, or `null` for the system. */
  actorId: number | null
  /** Kind of the row acted on, such as `membership` or `invitation`. */
  targetType: string | null
  /** Id of that row, or a name when the target has no id (a plugin). */
  targetId: string | number | null
  /** Address of the request that caused it, when a request did. */
  ipAddress: string | null
  /** Values before the change, for updates and deletions. Never secrets. */
  before: Record<string, unknown> | null
  /** Values after the change, for creations and updates. Never secrets. */
  after: Record<string, unknown> | null
}

/**
 * The catalogue: event name to payload. Names follow the AdonisJS emitter's
 * `noun:verb` style.
 */
export interface DomainEvents {
  'contact:created': ContactCreatedEvent
  'contact:updated': ContactUpdatedEvent
  'contact:deleted': ContactDeletedEvent
  'contact:opted_out': ContactOptedOutEvent
  'contact:opted_in': ContactOptedInEvent
  'campaign:scheduled': CampaignScheduledEvent
  'campaign:started': CampaignEvent
  'campaign:paused': CampaignEvent
  'campaign:resumed': CampaignEvent
  'campaign:finished': CampaignFinishedEvent
  'campaign:cancelled': CampaignEvent
  'message:queued': MessageEvent
  'message:sent': MessageEvent
  'message:delivered': MessageEvent
  'message:read': MessageEvent
  'message:failed': MessageFailedEvent
  'message:cancelled': MessageCancelledEvent
  'message:received': MessageReceivedEvent
  'step:failed': StepFailedEvent
  'instance:status_changed': InstanceStatusChangedEvent
  'import:finished': ImportFinishedEvent
  'audit:record': AuditRecordEvent
}

export type DomainEventName = keyof DomainEvents

/** Every event name of the catalogue, in a stable order. */
export const DOMAIN_EVENT_NAMES: DomainEventName[] = [
  'contact:created',
  'contact:updated',
  'contact:deleted',
  'contact:opted_out',
  'contact:opted_in',
  'campaign:scheduled',
  'campaign:started',
  'campaign:paused',
  'campaign:resumed',
  'campaign:finished',
  'campaign:cancelled',
  'message:queued',
  'message:sent',
  'message:delivered',
  'message:read',
  'message:failed',
  'message:cancelled',
  'message:received',
  'step:failed',
  'instance:status_changed',
  'import:finished',
  'audit:record',
]

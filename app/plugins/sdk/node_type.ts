import type { DateTime } from 'luxon'
import type { Logger } from '@adonisjs/core/logger'
import type { Infer, SchemaTypes } from '@vinejs/vine/types'
import type { FormField, MediaValue, TemplateValue } from './form_fields.js'

/**
 * An output port of a node. Edges leave a node from one of its ports; the
 * executor's decision names the port the journey follows.
 */
export interface PortDefinition {
  /** Port id, unique in the node, stored on edges: such as `sent` or a rule id. */
  id: string
  /** Translation key of the port label. Set this or `text`. */
  label?: string
  /** Literal label typed by the designer, such as a branch rule's name. */
  text?: string
  /**
   * Whether publishing rejects the flow while this port has no edge. An
   * unconnected optional port ends the journey.
   *
   * @default false
   */
  required?: boolean
}

/** The contact a journey belongs to, as the executor sees it. */
export interface NodeContact {
  id: number
  /**
   * IANA time zone of the contact, or of the tenant when the contact has
   * none, such as `America/Sao_Paulo`. All local-time rules use it.
   */
  timeZone: string
  /**
   * The contact's standard attributes and custom fields by name, for
   * conditions. Standard attributes: `name`, `first_name`, `phone` (E.164),
   * `email`, `city` and `language` (a BCP 47 tag such as `pt-BR`), each a
   * string or `null`, and `tags`, an array of tag names. Custom fields by
   * key, only those the contact has a value for: a `number` field as a
   * number, a `boolean` field as a boolean, a `date` field as `yyyy-MM-dd`,
   * and `text` and `choice` fields as strings. A custom field whose key is
   * a standard attribute's name is hidden by the attribute. The engine
   * fills the custom fields and tags for plugins' node types only, because
   * the core's executors read none of them: the core's own see `name`,
   * `phone` and `city`.
   */
  fields: Record<string, unknown>
  /**
   * Changes the contact in the journey's tenant. Each part is a set
   * operation, so running the same update again (the engine may run a step
   * again after a crash) leaves the contact as the first run left it. The
   * whole update is applied in one transaction, or not at all when it fails.
   */
  update(changes: ContactUpdate): Promise<ContactUpdateResult>
}

/** Changes to a contact, for `context.contact.update`. Every part is optional. */
export interface ContactUpdate {
  /** Tags to add; tags the contact has stay once. Names are trimmed and cut to 60 characters. */
  addTags?: string[]
  /** Tags to remove; tags the contact does not have are ignored. */
  removeTags?: string[]
  /**
   * Custom field values by field key, read with the contact form's rules:
   * numbers as `1.234,56` or `1,234.56`, dates as `2024-12-31` or
   * `31/12/2024`, booleans as yes/no words, choices as one of the options.
   * An empty value clears the field.
   */
  fields?: Record<string, string>
  /** Ids of the tenant's contact lists to add the contact to. */
  addToLists?: number[]
}

/**
 * Outcome of `context.contact.update`. A failed update changed nothing:
 * `code` is `E_CONTACT_FIELD_UNKNOWN`, `E_CONTACT_FIELD_INVALID` or
 * `E_CONTACT_LIST_UNKNOWN`, `subject` the field key or list id at fault,
 * and `reason` an English sentence for logs.
 */
export type ContactUpdateResult =
  { status: 'updated' } | { status: 'failed'; code: string; subject: string; reason: string }

/**
 * Outcome of `context.renderText`: the text with each `{{variable}}`
 * replaced. `missing` lists the variables that had no value and no
 * fallback, whose places are left empty in `text`.
 */
export interface RenderedText {
  text: string
  missing: string[]
}

/** Type of a value in `NodeContact.fields`: a custom field's type, or `tags` for the tag list. */
export type ContactFieldType = 'text' | 'number' | 'date' | 'boolean' | 'choice' | 'tags'

/** A reply that resumed a node parked with `awaitReply`. */
export interface InboundReply {
  /** Text of the reply, `null` for media without caption. */
  text: string | null
  receivedAt: DateTime
  providerMessageId: string
}

/**
 * Why the engine runs the executor. `null` on the first visit of the node in
 * this journey step; set when the journey resumes a node that parked.
 */
export type NodeResume = { reason: 'reply'; reply: InboundReply } | { reason: 'timeout' }

/** What a node asks the engine to send. */
export interface SendRequest {
  /** Saved template or inline text with `{{variables}}`; the engine renders it for the contact. */
  message: TemplateValue
  /** Media to attach. @default null */
  media?: MediaValue | null
  /** Channel instance to send through; `null` uses the campaign's instance. @default null */
  instanceId?: number | null
}

/** Outcome of a send request, once the provider accepted or the send failed for good. */
export type SendOutcome =
  | { status: 'sent'; messageId: number; providerMessageId: string }
  | { status: 'failed'; messageId: number | null; code: string; reason: string }

/** What the engine passes to `execute`. */
export interface NodeExecutionContext<Config = Record<string, unknown>> {
  /** The node's configuration, validated against the node type's `configSchema`. */
  config: Config
  node: { id: string; type: string; version: number }
  /**
   * `step` is the journey's step number, one more at each node it enters. A
   * node run again after a crash sees the same number.
   */
  journey: { id: number; campaignId: number | null; step: number }
  tenant: { id: number; timeZone: string }
  contact: NodeContact
  /** The engine's current instant, in UTC. Executors read time only from here. */
  now: DateTime
  /** Set when the node resumes after `awaitReply`. @default null */
  resume: NodeResume | null
  /** The `state` the previous `awaitReply` decision of this node stored. @default null */
  state: Record<string, unknown> | null
  /**
   * Asks the engine to send a message to the journey's contact and resolves
   * with its outcome. Idempotent for one visit of one node: when the engine
   * runs the executor again after a crash, the same request resolves with
   * the first request's message instead of sending a second one.
   */
  requestSend(request: SendRequest): Promise<SendOutcome>
  /**
   * Renders a text with `{{variables}}` for the journey's contact as the
   * engine renders message text: contact attributes, custom fields,
   * `campaign.<name>` variables, fallbacks and variations, the same
   * variation for the same contact on every run.
   */
  renderText(text: string): Promise<RenderedText>
  /** Logger carrying `tenantId`, `journeyId` and `nodeId`. */
  logger: Logger
}

/**
 * What the executor decides. Build it with `goTo`, `waitUntil`,
 * `awaitReply` or `endJourney`.
 */
export type NodeDecision =
  | { kind: 'goto'; port: string }
  | { kind: 'wait'; until: DateTime; port: string }
  | {
      kind: 'await_reply'
      until: DateTime
      state: Record<string, unknown> | null
      /** Whether a reply received since the journey's last sent message resumes the node at once. */
      repliesSinceLastSend?: boolean
    }
  | { kind: 'end'; reason: string }

/** Continues the journey at `port` now. */
export function goTo(port: string): NodeDecision {
  return { kind: 'goto', port }
}

/**
 * Holds the journey until `until`, then continues at `port`. An instant in
 * the past continues at once.
 */
export function waitUntil(until: DateTime, port: string): NodeDecision {
  return { kind: 'wait', until: until.toUTC(), port }
}

/**
 * Parks the journey until the contact replies on the journey's instance or
 * `until` passes, whichever comes first. The engine then runs the executor
 * again with `resume` set and `state` as given here. With
 * `repliesSinceLastSend`, a reply that arrived after the journey's last
 * sent message, and that no earlier step of the journey took, resumes the
 * node at once.
 */
export function awaitReply(options: {
  until: DateTime
  state?: Record<string, unknown>
  /** @default false */
  repliesSinceLastSend?: boolean
}): NodeDecision {
  return {
    kind: 'await_reply',
    until: options.until.toUTC(),
    state: options.state ?? null,
    repliesSinceLastSend: options.repliesSinceLastSend ?? false,
  }
}

/** Ends the journey here. `reason` is stored on the journey, such as `goal`. */
export function endJourney(reason = 'completed'): NodeDecision {
  return { kind: 'end', reason }
}

/**
 * A problem found in a node's configuration, shown on the node in the
 * editor and returned when publishing is rejected. The editor shows the
 * translation of `message` in the member's language, else its English
 * translation, else `text`, else `message` itself.
 */
export interface NodeIssue {
  /** Key of the configuration field at fault, such as `message.text`. */
  field: string
  /**
   * Translation key of the message, such as `example.issues.unknown_code`.
   * Say what is wrong, on which value, and what to do.
   */
  message: string
  /** Values of the placeholders of `message` and `text`, such as the value at fault. */
  values?: Record<string, string | number>
  /**
   * English message, an ICU message with the placeholders of `values`, shown
   * when no language has a translation of `message`.
   *
   * @default undefined (the key itself is shown)
   */
  text?: string
}

/** What `validate` receives when a flow is published. */
export interface NodeValidationContext {
  /** Variables the campaign's contacts have: standard attributes and custom fields. */
  knownVariables: Set<string>
  /** The tenant's custom fields by key, with their type (`text`, `number`, `date`, `boolean`, `choice`). */
  customFields: Map<string, { type: string }>
  /** The tenant's contact lists by name, with their id. */
  contactLists: Map<string, number>
  /**
   * Every name of `NodeContact.fields` with its type: the standard
   * attributes (`text`, and `tags` for `tags`) and the tenant's custom
   * fields, for node types that check the fields a configuration names.
   */
  contactFields: Map<string, ContactFieldType>
}

/** The tenant's data that `upgradeConfig` may read. */
export interface ConfigUpgradeContext {
  /** The tenant's contact lists by name, with their id. */
  contactLists: Map<string, number>
}

/**
 * A flow node type, contributed with `plugin.nodeType(defineNodeType({...}))`.
 * The five core node types are defined the same way.
 */
export interface NodeTypeDefinition<Schema extends SchemaTypes = SchemaTypes> {
  /**
   * Type id stored on every node of a flow. Core types have plain ids
   * (`send`); a plugin's must start with its name and a dot
   * (`example.greet`). Lowercase letters, digits, `_` and `.`.
   */
  type: string
  /**
   * Version of the configuration shape, an integer from 1. A published flow
   * stores it with each node; raise it when `configSchema` changes so old
   * plans can be told apart.
   */
  version: number
  /** Translation key of the name in the palette, such as `flow.nodes.send.label`. */
  label: string
  /** Translation key of a one-line description in the palette. */
  description: string
  /** Name of an icon of the editor's icon set; unknown names show a generic icon. */
  icon: string
  /**
   * Palette group: `messaging`, `timing`, `logic`, `contact`, `integration`,
   * or a plugin's own group (translated as `flow.categories.<category>` or
   * `<plugin>.categories.<category>`).
   */
  category: string
  /**
   * VineJS schema of the configuration, `vine.object({...})`, validated on
   * the server. Each error becomes a problem on the field it names. The
   * editor words it with the translation of `<plugin>.rules.<rule>`, else
   * `flow.rules.<rule>` (a `.` in the rule name becomes `_`), filled with
   * the rule's meta values and `{value}`, the value at fault. When neither
   * key has a message, it shows the message the rule reported, so a custom
   * rule should report an English sentence with its values as meta:
   * `field.report('Write a code such as AB-12', 'code', field, { example: 'AB-12' })`.
   */
  configSchema: Schema
  /** Configuration of a node newly dropped on the canvas. Must pass `configSchema`. */
  defaults: Infer<Schema>
  /**
   * Builds the configuration of a new node in the member's language, for
   * defaults that contain text the member reads, such as an example
   * message. `translate` returns the message of a translation key in the
   * page's language, or the key when it has none. The editor's palette uses
   * it in place of `defaults`. Its result must pass `configSchema` in every
   * language.
   *
   * @default undefined (the palette offers `defaults` in every language)
   */
  localizedDefaults?: (translate: (key: string) => string) => Infer<Schema>
  /** The node's form in the editor's side panel. */
  fields: FormField[]
  /**
   * Output ports: a fixed list, or a function of the validated configuration
   * for nodes whose ports depend on it (a branch per rule).
   */
  ports: PortDefinition[] | ((config: Infer<Schema>) => PortDefinition[])
  /**
   * Whether every visit holds the journey for a while. The publisher rejects
   * a cycle that passes no node which always pauses, because it could spin.
   *
   * @default false
   */
  alwaysPauses?: boolean | ((config: Infer<Schema>) => boolean)
  /**
   * Rewrites a configuration saved in an older shape, before `version` was
   * raised, into the current shape, so old drafts open and publish without
   * a database migration. The core applies it to a draft's nodes before the
   * editor shows them and before `configSchema` checks them. Plans published
   * before reach `execute` unchanged, so `execute` must still read the old
   * shapes. It must return a current configuration as it is, and must not
   * throw: the core logs an error and keeps the stored configuration.
   *
   * @default undefined (the shape never changed)
   */
  upgradeConfig?: (
    config: Record<string, unknown>,
    context: ConfigUpgradeContext
  ) => Record<string, unknown>
  /**
   * Checks beyond the schema when a flow is published, such as unknown
   * template variables.
   *
   * @default undefined (the schema is the whole check)
   */
  validate?: (config: Infer<Schema>, context: NodeValidationContext) => NodeIssue[]
  /**
   * Decides what the journey does at this node. Must depend only on its
   * context, because the engine may run it again after a crash.
   */
  execute(context: NodeExecutionContext<Infer<Schema>>): Promise<NodeDecision> | NodeDecision
}

/**
 * Declares a node type. Returns the definition unchanged, typed from its
 * schema.
 */
export function defineNodeType<Schema extends SchemaTypes>(definition: NodeTypeDefinition<Schema>) {
  return definition
}

/** Resolves a node type's ports for one configuration. */
export function portsOf<Schema extends SchemaTypes>(
  definition: NodeTypeDefinition<Schema>,
  config: Infer<Schema>
) {
  return typeof definition.ports === 'function' ? definition.ports(config) : definition.ports
}

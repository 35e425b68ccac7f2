import type { HttpContext, Router } from '@adonisjs/core/http'
import type { Logger } from '@adonisjs/core/logger'
import type { Infer, SchemaTypes } from '@vinejs/vine/types'
import type {
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
} from 'prom-client'
import type { ChannelDefinition } from './channel.js'
import type { DomainEventName, DomainEvents } from './events.js'
import type { FormField } from './form_fields.js'
import type { NodeTypeDefinition } from './node_type.js'
import type { PluginManifest } from './manifest.js'
import type * as coreAbilities from '#abilities/main'

/**
 * Names of the core's abilities, which allow an action by the member's role
 * in the current tenant: `viewTenant` (viewer and above), `workInbox`
 * (agent and above), `designCampaigns` and `exportContactData` (editor and
 * above), `manageMembers` and `manageTenant` (admin and above). A plugin's
 * controller checks one with `ctx.bouncer.authorize(name)`.
 */
export type CoreAbility = keyof typeof coreAbilities

/** The roles a process can run. See "Processes" in the docs. */
export type ProcessRole = 'web' | 'worker' | 'channels'

/** What an event subscriber receives besides the payload. */
export interface SubscriberContext {
  tenantId: number
  /** Logger carrying `pluginName`, `tenantId` and `event`. */
  logger: Logger
  /** Reads this plugin's settings for the event's tenant. */
  settings(): Promise<Record<string, unknown>>
}

/**
 * Handles one domain event. It runs in the process that emitted the event,
 * inside the event tenant's scope, and only for tenants that have the plugin
 * enabled. The emitter waits for it, so keep it short and enqueue slow work
 * as a job. A thrown error is logged with the plugin's name and does not
 * reach the emitter or the other subscribers.
 */
export type EventSubscriber<Event extends DomainEventName> = (
  payload: DomainEvents[Event],
  context: SubscriberContext
) => void | Promise<void>

/** An entry of the main navigation, shown to tenants that have the plugin enabled. */
export interface NavEntry {
  /** Translation key of the label, such as `reports.nav`. */
  label: string
  /** Path under the plugin's prefix: `/` is `/plugins/<name>`. @default '/' */
  path?: string
  /** A single character or short glyph shown before the label. @default '◇' */
  icon?: string
  /**
   * The core ability the member's role needs to see the entry, such as
   * `manageTenant` for a page whose controller authorizes `manageTenant`.
   * Hiding the entry does not protect the page: its routes still check the
   * ability. @default undefined, shown to every member
   */
  ability?: CoreAbility
}

/** Per-tenant settings, edited on the generated page Settings > Plugins > name. */
export interface PluginSettingsDefinition<Schema extends SchemaTypes = SchemaTypes> {
  /** VineJS schema of the settings object; the page validates submissions with it. */
  schema: Schema
  /** Values a tenant has before it saves the form. Must pass `schema`. */
  defaults: Infer<Schema>
  /** The form. */
  fields: FormField[]
}

/** What a scheduled task's handler receives. */
export interface ScheduledTaskContext {
  /** The tenant this run is for, when the task is `perTenant`; otherwise `null`. */
  tenantId: number | null
  logger: Logger
  /** When BullMQ fired the run. */
  firedAt: Date
}

/**
 * A repeated task, run by the worker role through a BullMQ job scheduler on
 * the `plugins` queue. Exactly one of `every` and `pattern` is set. The
 * scheduler id is `<plugin>:<name>`, so every process declares the same
 * scheduler and BullMQ keeps one.
 */
export interface ScheduledTaskDefinition {
  /** Task name, unique in the plugin: lowercase letters, digits, `_` and `-`. */
  name: string
  /** Interval between runs, in milliseconds, at least 1000. */
  every?: number
  /** Cron pattern with seconds optional, such as `0 3 * * *`. */
  pattern?: string
  /** IANA time zone of `pattern`. @default 'UTC' */
  timeZone?: string
  /**
   * Runs the handler once per tenant that has the plugin enabled, inside
   * that tenant's scope, instead of once for the install.
   *
   * @default false
   */
  perTenant?: boolean
  /** Does the work. A thrown error is logged; the next run comes as scheduled. */
  handler(context: ScheduledTaskContext): Promise<void>
}

/** The argument of a plugin's tenant deletion handler. */
export interface TenantDeletionContext {
  /**
   * The tenant being deleted. Its members lost access when the deletion was
   * requested, and its rows are still there while the handler runs.
   */
  tenantId: number
  /**
   * Ids of the channel instances the tenant had when its deletion started.
   * The instances are deleted by the time the handler runs, so a plugin
   * that keeps rows per instance finds them here.
   */
  instanceIds: number[]
  /** Logger carrying `pluginName`, `tenantId` and `deletionId`. */
  logger: Logger
}

/**
 * Removes what the plugin keeps for a tenant that is being deleted and the
 * core cannot remove: jobs in the plugin's own queues, files outside the
 * core's folders, rows keyed by something other than `tenant_id`, data in
 * other systems. The core deletes the rows of every table with a
 * `tenant_id` column after the handler returns, the plugin's own tables
 * included. Returns counts of what it removed by a name of the plugin's
 * choosing, such as `{ queuedDeliveries: 3 }`, which the deletion's record
 * keeps, or nothing.
 *
 * A deletion that a crash interrupted runs again from the start, so the
 * handler must be safe to run twice. A thrown error stops the deletion,
 * which is retried later and leaves the tenant's rows until every handler
 * succeeded.
 */
export type TenantDeletionHandler = (
  context: TenantDeletionContext
) => Promise<Record<string, number> | void>

/**
 * Prometheus metrics of the plugin, in prom-client's default registry.
 * Names are prefixed with `disparador_plugin_<name>_` (dashes become
 * underscores), so `metrics.counter({ name: 'hooks_sent_total', ... })` of
 * the `webhooks` plugin is `disparador_plugin_webhooks_hooks_sent_total`.
 * Asking twice for one name returns the same metric.
 */
export interface PluginMetrics {
  counter<Label extends string>(configuration: CounterConfiguration<Label>): Counter<Label>
  gauge<Label extends string>(configuration: GaugeConfiguration<Label>): Gauge<Label>
  histogram<Label extends string>(configuration: HistogramConfiguration<Label>): Histogram<Label>
}

/**
 * What a plugin's hooks receive: its identity and the methods that
 * contribute to the core. Contribution methods may be called only during
 * `register`; later calls raise `E_PLUGIN_REGISTER_CLOSED`.
 */
export interface PluginApi {
  readonly name: string
  readonly version: string
  readonly manifest: Readonly<PluginManifest>
  /** Absolute path of the plugin folder. */
  readonly directory: string
  /** Logger carrying `pluginName`. */
  readonly logger: Logger
  readonly metrics: PluginMetrics

  /** Contributes a flow node type. Its `type` must start with `<name>.`. */
  nodeType<Schema extends SchemaTypes>(definition: NodeTypeDefinition<Schema>): void

  /** Contributes a channel. Drivers are made only in the channels process. */
  channel<Schema extends SchemaTypes | undefined>(definition: ChannelDefinition<Schema>): void

  /** Subscribes to a domain event. */
  on<Event extends DomainEventName>(event: Event, subscriber: EventSubscriber<Event>): void

  /**
   * Declares routes under `/plugins/<name>`, behind sign-in and the tenant
   * scope. For a tenant that has the plugin disabled they answer 404.
   * Paths given to `router` are relative to the prefix.
   */
  routes(define: (router: Router) => void): void

  /**
   * Declares routes under `/hooks/<name>` without sign-in or tenant, for
   * provider callbacks. The handler must authenticate the caller itself
   * and enter a tenant scope with the SDK's `runInTenant`.
   */
  publicRoutes(define: (router: Router) => void): void

  /** Adds an entry to the main navigation. */
  nav(entry: NavEntry): void

  /** Declares per-tenant settings and their generated form. */
  settings<Schema extends SchemaTypes>(definition: PluginSettingsDefinition<Schema>): void

  /** Declares a scheduled task. */
  schedule(definition: ScheduledTaskDefinition): void

  /**
   * Declares how the plugin removes what it keeps for a tenant that is
   * being deleted. The workspace deletion job calls the handler in the
   * worker process, for every active plugin whether or not the tenant had
   * it enabled.
   */
  onTenantDeletion(handler: TenantDeletionHandler): void

  /**
   * Renders one of the plugin's Inertia pages: `pages/<page>.vue` in the
   * plugin folder, component name `plugins/<name>/<page>`.
   */
  render(ctx: HttpContext, page: string, props?: Record<string, unknown>): unknown

  /** Reads the plugin's settings for a tenant, defaults filled in. */
  tenantSettings(tenantId: number): Promise<Record<string, unknown>>

  /** Whether the tenant has the plugin enabled. */
  isEnabledFor(tenantId: number): Promise<boolean>

  /**
   * Runs `perform(action, input)` on the driver of an instance of one of
   * this plugin's channels, in the channels process that owns the
   * instance, and resolves with the driver's result. A public route calls
   * it to hand a provider's callback (a receipt, an inbound message) to
   * the driver, which runs in the channels process while the route runs in
   * the web process. `input` must be JSON-serialisable and defaults to `{}`.
   *
   * Raises `E_CHANNEL_INSTANCE_NOT_FOUND` (404) when no instance with that
   * id belongs to a channel of this plugin. Raises `E_CHANNELS_UNAVAILABLE`
   * (503) when no channels process replied within 10 seconds, because the
   * instance is not connected or no process runs the channels role.
   * Otherwise a failure is the driver's own error, with its code.
   */
  channelAction(
    instanceId: number,
    action: string,
    input?: Record<string, unknown>
  ): Promise<Record<string, unknown>>
}

/** What `boot` receives besides the API. */
export interface PluginBootContext {
  /** Roles this process runs. A plugin opens long-lived resources only for the roles that use them. */
  roles: ProcessRole[]
}

/**
 * A plugin's entry, the default export of its entry module.
 *
 * - `register` runs in every process, the web, worker and channels roles
 *   and ace commands alike, once the manifest was accepted. It only declares
 *   contributions.
 * - `boot` runs after every plugin registered, in dependency order, in
 *   processes that run a role (not in ace commands such as migrations). It
 *   connects to what the plugin needs.
 * - `shutdown` runs when the process terminates, in reverse order, and
 *   releases what `boot` opened.
 *
 * A hook that throws marks the plugin failed: it is logged, shown on
 * Settings > Plugins and left disabled, and the application keeps running.
 */
export interface PluginDefinition {
  register(plugin: PluginApi): void | Promise<void>
  boot?(plugin: PluginApi, context: PluginBootContext): void | Promise<void>
  shutdown?(plugin: PluginApi): void | Promise<void>
}

/**
 * Declares a plugin. Returns the definition unchanged, typed.
 */
export function definePlugin(definition: PluginDefinition) {
  return definition
}

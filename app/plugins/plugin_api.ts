import type { HttpContext, Router } from '@adonisjs/core/http'
import type { Logger } from '@adonisjs/core/logger'
import vine from '@vinejs/vine'
import { DateTime } from 'luxon'
import {
  DOMAIN_EVENT_NAMES,
  type ChannelDefinition,
  type DomainEventName,
  type EventSubscriber,
  type NavEntry,
  type NodeTypeDefinition,
  type PluginApi,
  type PluginManifest,
  type PluginSettingsDefinition,
  type ScheduledTaskDefinition,
  type TenantDeletionHandler,
} from '#sdk'
import * as coreAbilities from '#abilities/main'
import { PluginError } from '#plugins/plugin_errors'
import { createPluginMetrics } from '#plugins/plugin_metrics'
import { performPluginChannelAction } from '#plugins/plugin_channel_actions'
import {
  formFieldProblems,
  isObjectSchema,
  requireFunction,
  requireString,
} from '#plugins/contract_checks'

/** What a plugin contributed during `register`. */
export interface Contributions {
  nodeTypes: NodeTypeDefinition[]
  channels: ChannelDefinition[]
  subscribers: { event: DomainEventName; subscriber: EventSubscriber<any> }[]
  routes: ((router: Router) => void)[]
  publicRoutes: ((router: Router) => void)[]
  nav: NavEntry[]
  settings: PluginSettingsDefinition | null
  schedules: ScheduledTaskDefinition[]
  tenantDeletion: TenantDeletionHandler[]
}

/** The parts of the host a plugin's API reads through. */
export interface PluginApiHost {
  isEnabledFor(pluginName: string, tenantId: number): Promise<boolean>
  tenantSettings(pluginName: string, tenantId: number): Promise<Record<string, unknown>>
}

const NAME = /^[a-z][a-z0-9_-]*$/

function channelProblems(definition: ChannelDefinition) {
  return [
    ...(typeof definition.id === 'string' && NAME.test(definition.id)
      ? []
      : [`channel id "${definition.id}" must be lowercase letters, digits, "-" and "_"`]),
    ...requireString(definition.label, 'channel label'),
    ...requireString(definition.description, 'channel description'),
    ...(['qr', 'code', 'none'].includes(definition.pairing)
      ? []
      : [`channel pairing "${definition.pairing}" must be qr, code or none`]),
    ...(definition.capabilities && typeof definition.capabilities === 'object'
      ? []
      : ['channel capabilities must be { media, deliveryReceipts, readReceipts }']),
    ...(definition.configSchema === undefined || isObjectSchema(definition.configSchema)
      ? []
      : ['channel configSchema must be vine.object({...})']),
    ...formFieldProblems(definition.configFields ?? [], 'channel configFields'),
    ...(definition.maxConcurrentSends === undefined ||
    (Number.isInteger(definition.maxConcurrentSends) &&
      definition.maxConcurrentSends >= 1 &&
      definition.maxConcurrentSends <= 1000)
      ? []
      : [
          `channel maxConcurrentSends "${definition.maxConcurrentSends}" must be an integer from 1 to 1000`,
        ]),
    ...requireFunction(definition.createDriver, 'channel createDriver'),
    ...requireFunction(definition.createMessageId, 'channel createMessageId', true),
  ]
}

function scheduleProblems(definition: ScheduledTaskDefinition, taken: string[]) {
  const problems: string[] = []
  if (typeof definition.name !== 'string' || !NAME.test(definition.name)) {
    problems.push(`task name "${definition.name}" must be lowercase letters, digits, "-" and "_"`)
  } else if (taken.includes(definition.name)) {
    problems.push(`task name "${definition.name}" is declared twice`)
  }
  const hasEvery = definition.every !== undefined
  const hasPattern = definition.pattern !== undefined
  if (hasEvery === hasPattern) {
    problems.push(`task "${definition.name}" needs exactly one of every and pattern`)
  }
  if (hasEvery && !(Number.isInteger(definition.every) && definition.every! >= 1000)) {
    problems.push(`task "${definition.name}": every must be an integer of at least 1000 ms`)
  }
  if (hasPattern && typeof definition.pattern !== 'string') {
    problems.push(`task "${definition.name}": pattern must be a cron string`)
  }
  if (definition.timeZone && !DateTime.local().setZone(definition.timeZone).isValid) {
    problems.push(
      `task "${definition.name}": time zone "${definition.timeZone}" is not an IANA zone`
    )
  }
  return [...problems, ...requireFunction(definition.handler, `task "${definition.name}" handler`)]
}

function navAbilityProblems(ability: unknown) {
  const known = Object.keys(coreAbilities)
  if (ability === undefined || known.includes(ability as string)) {
    return []
  }
  return [`nav ability "${String(ability)}" is not a core ability (${known.join(', ')})`]
}

/**
 * One plugin's `PluginApi`. Contribution methods check what they can at
 * once and collect the contribution; the host checks the rest (schemas
 * against defaults) after `register` returns.
 */
export class PluginApiImpl implements PluginApi {
  readonly contributions: Contributions = {
    nodeTypes: [],
    channels: [],
    subscribers: [],
    routes: [],
    publicRoutes: [],
    nav: [],
    settings: null,
    schedules: [],
    tenantDeletion: [],
  }
  readonly metrics
  #open = true

  constructor(
    readonly manifest: PluginManifest,
    readonly directory: string,
    readonly logger: Logger,
    private host: PluginApiHost
  ) {
    this.metrics = createPluginMetrics(manifest.name)
  }

  get name() {
    return this.manifest.name
  }

  get version() {
    return this.manifest.version
  }

  /** Ends the register phase; later contributions raise `E_PLUGIN_REGISTER_CLOSED`. */
  close() {
    this.#open = false
  }

  #contribute(kind: string, problems: string[]) {
    if (!this.#open) {
      throw new PluginError(
        this.name,
        'E_PLUGIN_REGISTER_CLOSED',
        `${kind} was contributed after register() returned: contribute only inside register()`
      )
    }
    if (problems.length > 0) {
      throw new PluginError(this.name, 'E_PLUGIN_CONTRIBUTION_INVALID', problems.join('; '))
    }
  }

  nodeType(definition: NodeTypeDefinition<any>) {
    this.#contribute('a node type', [])
    this.contributions.nodeTypes.push(definition)
  }

  channel(definition: ChannelDefinition<any>) {
    this.#contribute('a channel', channelProblems(definition))
    this.contributions.channels.push(definition)
  }

  on<Event extends DomainEventName>(event: Event, subscriber: EventSubscriber<Event>) {
    this.#contribute('an event subscriber', [
      ...(DOMAIN_EVENT_NAMES.includes(event)
        ? []
        : [`event "${event}" is not in the catalogue (${DOMAIN_EVENT_NAMES.join(', ')})`]),
      ...requireFunction(subscriber, `subscriber of "${event}"`),
    ])
    this.contributions.subscribers.push({ event, subscriber })
  }

  routes(define: (router: Router) => void) {
    this.#contribute('routes', requireFunction(define, 'routes()'))
    this.contributions.routes.push(define)
  }

  publicRoutes(define: (router: Router) => void) {
    this.#contribute('public routes', requireFunction(define, 'publicRoutes()'))
    this.contributions.publicRoutes.push(define)
  }

  nav(entry: NavEntry) {
    const path = entry?.path ?? '/'
    this.#contribute('a navigation entry', [
      ...requireString(entry?.label, 'nav label'),
      ...(path.startsWith('/') ? [] : [`nav path "${path}" must start with "/"`]),
      ...navAbilityProblems(entry?.ability),
    ])
    this.contributions.nav.push({
      label: entry.label,
      path,
      icon: entry.icon ?? '◇',
      ability: entry.ability,
    })
  }

  settings(definition: PluginSettingsDefinition<any>) {
    this.#contribute('settings', [
      ...(this.contributions.settings ? ['settings() may be called once'] : []),
      ...(isObjectSchema(definition?.schema) ? [] : ['settings schema must be vine.object({...})']),
      ...formFieldProblems(definition?.fields, 'settings fields'),
    ])
    this.contributions.settings = definition
  }

  schedule(definition: ScheduledTaskDefinition) {
    const taken = this.contributions.schedules.map((task) => task.name)
    this.#contribute('a scheduled task', scheduleProblems(definition, taken))
    this.contributions.schedules.push(definition)
  }

  onTenantDeletion(handler: TenantDeletionHandler) {
    this.#contribute('a tenant deletion handler', requireFunction(handler, 'onTenantDeletion()'))
    this.contributions.tenantDeletion.push(handler)
  }

  render(ctx: HttpContext, page: string, props: Record<string, unknown> = {}) {
    return ctx.inertia.render(`plugins/${this.name}/${page}`, props as never)
  }

  tenantSettings(tenantId: number) {
    return this.host.tenantSettings(this.name, tenantId)
  }

  isEnabledFor(tenantId: number) {
    return this.host.isEnabledFor(this.name, tenantId)
  }

  channelAction(instanceId: number, action: string, input: Record<string, unknown> = {}) {
    const channelIds = this.contributions.channels.map((channel) => channel.id)
    return performPluginChannelAction(this.name, channelIds, instanceId, action, input)
  }
}

/** Validates settings against a plugin's settings schema. */
export function settingsValidator(definition: PluginSettingsDefinition) {
  return vine.create(definition.schema)
}

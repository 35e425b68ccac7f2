/**
 * The plugin SDK: the one import path of plugin code, `#sdk`. Plugins import
 * the core only from here; everything else in `app/` may change without
 * notice. Reference: docs/plugins/reference.md.
 */
export { default as vine } from '@vinejs/vine'
export { DateTime } from 'luxon'
export { BaseSchema } from '@adonisjs/lucid/schema'
export { runInTenant } from '#tenancy/tenant_context'

export * from './manifest.js'
export * from './form_fields.js'
export * from './events.js'
export * from './channel.js'
export * from './channel_errors.js'
export * from './node_type.js'
export * from './plugin.js'

export type { HttpContext, Router } from '@adonisjs/core/http'
export type { Logger } from '@adonisjs/core/logger'
export type { Infer } from '@vinejs/vine/types'

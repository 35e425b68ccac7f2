/**
 * The plugin SDK: the one import path of plugin code, `#sdk`. Plugins import
 * the core only from here; everything else in `app/` may change without
 * notice. Reference: docs/plugins/reference.md.
 */
export { default as vine } from '@vinejs/vine'
export { DateTime } from 'luxon'
export { BaseSchema } from '@adonisjs/lucid/schema'
export { runInTenant } from '#tenancy/tenant_context'
/**
 * The install's database, for plugins that keep tables of their own (made
 * by the plugin's `database/migrations`). Queries through it are not
 * limited to a tenant: filter on `tenant_id` yourself.
 */
export { default as db } from '@adonisjs/lucid/services/db'
/** Base class of coded errors, such as the ones a driver's `perform` raises. */
export { Exception } from '@adonisjs/core/exceptions'
/**
 * The install's encryption service, keyed by APP_KEY, for plugins that keep
 * secrets in tables of their own. Pass a purpose to bind a value to its row.
 */
export { default as encryption } from '@adonisjs/core/services/encryption'
/** The install's file storage, where uploaded template media lives under its drive key. */
export { default as drive } from '@adonisjs/drive/services/main'
/**
 * Tells whether an IP address is loopback, private, link-local (with cloud
 * metadata services), unspecified or unique-local, for plugins that fetch
 * URLs a tenant entered.
 */
export { isBlockedAddress } from '#services/network/blocked_addresses'
/**
 * The guard of URLs a tenant entered: `resolveTarget(url, allowPrivate)`
 * checks the scheme and resolves the host, rejecting blocked addresses with
 * `HttpTargetRejectedError`, and `sendHttpRequest` sends one request to the
 * checked address without resolving the name again.
 */
export {
  HttpTargetRejectedError,
  parseTargetUrl,
  resolveTarget,
  type HttpTargetProblem,
  type ResolvedTarget,
} from '#services/network/http_targets'
export {
  sendHttpRequest,
  type HttpRequestOptions,
  type HttpRequestOutcome,
} from '#services/network/http_request'
/** Names why a request got no usable response: `connection_refused`, `timed_out`, `tls` and the like. */
export {
  classifyRejection,
  classifyRequestError,
  failureOfErrorCode,
  type RequestFailure,
} from '#services/network/request_failure'
/** Highest page number a paginated list accepts; plugin lists cap theirs with it too. */
export { MAX_PAGE } from '#services/database/page_numbers'
/**
 * Names a campaign's steps by node id as the flow editor shows them, such
 * as "Send message · Welcome", for pages that list node ids.
 */
export { campaignStepNames, campaignStepPorts } from '#services/campaigns/campaign_steps'
/**
 * CSV exports as spreadsheets open them cleanly: the separator of the
 * reader's language (`;` for pt-BR, `,` for en), a UTF-8 byte order mark,
 * and cells that would run as a formula defused with a leading `'`.
 */
export {
  UTF8_BOM,
  csvLine,
  csvReaderFor,
  csvSeparatorFor,
  csvStringifyOptions,
  type CsvReader,
  type CsvSeparator,
} from '#services/csv_cells'

export * from './manifest.js'
export * from './form_fields.js'
export * from './events.js'
export * from './channel.js'
export * from './channel_errors.js'
export * from './node_type.js'
export * from './plugin.js'
export * from './batching.js'
export * from './transactions.js'
export * from './sql_time.js'
export * from './page_notices.js'
export * from './tenants.js'
/**
 * Removes a tenant's jobs that have not started from a BullMQ queue of the
 * plugin's own, for its tenant deletion handler.
 */
export { removeTenantJobs, PENDING_JOB_STATES } from '#queues/tenant_jobs'

export type { HttpContext, Router } from '@adonisjs/core/http'
export type { Logger } from '@adonisjs/core/logger'
export type { Infer } from '@vinejs/vine/types'

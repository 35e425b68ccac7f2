import { errors as vineErrors } from '@vinejs/vine'
import { errors as limiterErrors } from '@adonisjs/limiter'
import type { HttpContext } from '@adonisjs/core/http'
import { Exception } from '@adonisjs/core/exceptions'
import { ContactInputException } from '#services/contacts/contact_service'
import { SegmentRulesException, segmentRulesMessage } from '#services/segments/segment_rules'
import { CampaignStateException } from '#services/campaigns/campaign_states'

/** Path prefix of the versioned REST API; errors under it are rendered as JSON. */
export const API_PREFIX = '/api/v1'

export interface ApiErrorEntry {
  code: string
  message: string
  field?: string
}

/**
 * An API error with a code, a status and an optional field, rendered as
 * `{ errors: [{ code, message, field }] }`.
 */
export class ApiException extends Exception {
  constructor(message: string, options: { code: string; status: number; field?: string }) {
    super(message, { code: options.code, status: options.status })
    this.field = options.field
  }

  readonly field?: string
}

export function isApiRequest(ctx: HttpContext) {
  const path = ctx.request.url()
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)
}

/**
 * Converts any error raised while serving an API request to a status and
 * error entries. Errors without a status are server errors whose details
 * stay in the log.
 */
export function apiErrorOf(error: unknown, ctx: HttpContext) {
  if (error instanceof vineErrors.E_VALIDATION_ERROR) {
    const entries = (error.messages as { field: string; message: string }[]).map((entry) => ({
      code: 'E_VALIDATION_ERROR',
      message: entry.message,
      field: entry.field,
    }))
    return { status: 422, entries }
  }
  if (error instanceof ContactInputException) {
    const message = ctx.i18n.t(error.translationKey, error.values)
    return { status: 422, entries: [{ code: error.code!, message, field: error.field }] }
  }
  if (error instanceof SegmentRulesException) {
    const entries = [error, ...error.others].map((problem) => ({
      code: problem.code!,
      message: segmentRulesMessage(problem, ctx.i18n),
      field: 'rules',
    }))
    return { status: 422, entries }
  }
  if (error instanceof CampaignStateException) {
    return { status: 409, entries: [{ code: error.code!, message: error.message }] }
  }
  if (error instanceof ApiException) {
    return {
      status: error.status,
      entries: [{ code: error.code!, message: error.message, field: error.field }],
    }
  }
  return genericError(error)
}

function genericError(error: unknown) {
  const known = error as { status?: number; code?: string; message?: string }
  if (known.code === 'E_ROW_NOT_FOUND') {
    return notFound('The resource was not found in this tenant. Check the id.')
  }
  if (known.code === 'E_ROUTE_NOT_FOUND') {
    return notFound(`${known.message}. See /api/v1/openapi.json for the routes.`)
  }
  const status = typeof known.status === 'number' ? known.status : 500
  if (status >= 500) {
    return {
      status,
      entries: [{ code: 'E_INTERNAL_ERROR', message: 'Internal server error. Retry later.' }],
    }
  }
  return {
    status,
    entries: [{ code: known.code ?? `E_HTTP_${status}`, message: known.message ?? 'Error' }],
  }
}

function notFound(message: string) {
  return { status: 404, entries: [{ code: 'E_NOT_FOUND', message }] }
}

/** Writes the JSON error response, with `Retry-After` for a rate-limited request. */
export function renderApiError(error: unknown, ctx: HttpContext) {
  if (error instanceof limiterErrors.E_TOO_MANY_REQUESTS) {
    const headers = error.getDefaultHeaders()
    for (const [name, value] of Object.entries(headers)) {
      ctx.response.header(name, value)
    }
    const seconds = error.response.availableIn
    return ctx.response.status(429).send({
      errors: [
        {
          code: 'E_TOO_MANY_REQUESTS',
          message: `Rate limit of ${error.response.limit} requests a minute reached for this token. Retry in ${seconds} s.`,
        },
      ],
    })
  }
  const { status, entries } = apiErrorOf(error, ctx)
  return ctx.response.status(status).send({ errors: entries })
}

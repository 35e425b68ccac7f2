import type { HttpContext } from '@adonisjs/core/http'
import type { I18n } from '@adonisjs/i18n'
import { errors as vineErrors } from '@vinejs/vine'

/**
 * Formats how long a blocked key waits, from the limiter's `availableIn`
 * seconds: whole minutes, rounded up, from one minute on, else seconds.
 */
export function waitText(i18n: I18n, seconds: number) {
  const wait = Math.max(1, Math.ceil(seconds))
  if (wait >= 60) {
    return i18n.t('errors.wait_minutes', { count: Math.ceil(wait / 60) })
  }
  return i18n.t('errors.wait_seconds', { count: wait })
}

/** Tells whether the request comes from a JSON client rather than a page or an Inertia visit. */
export function wantsJson(ctx: HttpContext) {
  return !ctx.request.header('x-inertia') && ctx.request.accepts(['html', 'json']) === 'json'
}

/**
 * Rejects a form submission that a rate limit blocked. A JSON client gets
 * 429 with `Retry-After` and `{ errors: [{ code, message, field }] }`.
 * A page or an Inertia visit gets a validation error on `field`, so it is
 * redirected back with the message under that field and the form stays
 * usable. `message` should say how long to wait (see `waitText`).
 */
export function rejectThrottled(
  ctx: HttpContext,
  options: { field: string; message: string; availableIn: number }
) {
  if (wantsJson(ctx)) {
    ctx.response.header('Retry-After', String(Math.max(1, Math.ceil(options.availableIn))))
    return ctx.response.status(429).send({
      errors: [{ code: 'E_TOO_MANY_REQUESTS', message: options.message, field: options.field }],
    })
  }
  throw new vineErrors.E_VALIDATION_ERROR([
    { field: options.field, message: options.message, rule: 'throttled' },
  ])
}

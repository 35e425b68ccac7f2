import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/** Returns `value` with the NUL characters of every text in it removed. */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value
  }
  if (Array.isArray(value)) {
    return value.map(withoutNul)
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNul(item)]))
  }
  return value
}

/**
 * Removes NUL characters from the texts of a request body before anything
 * reads them. MariaDB stored "abc\u0000def" as "abc", cutting a text the
 * validators had checked whole, and a NUL alone passed for a non-empty text.
 */
export default class StripNulMiddleware {
  async handle({ request }: HttpContext, next: NextFn) {
    request.updateBody(withoutNul(request.body()) as Record<string, any>)
    return next()
  }
}

import i18nManager from '@adonisjs/i18n/services/main'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * Raised when a request body does not decode with the encoding its
 * `Content-Encoding` header names, such as bytes that are not gzip under
 * `Content-Encoding: gzip`. The client sent a wrong body, so it gets a 400
 * that names the encoding.
 */
export class BodyEncodingException extends Exception {
  static status = 400
  static code = 'E_BODY_ENCODING_INVALID'

  constructor(readonly encoding: string) {
    super(
      `The request body is not valid ${encoding} data, but its Content-Encoding header says ${encoding}. Compress the body with ${encoding}, or send it uncompressed without that header.`
    )
  }

  /**
   * Responds in the language of the request's Accept-Language header, because
   * the body parser runs before the member's own language is known.
   */
  async handle(error: this, ctx: HttpContext) {
    const locale =
      i18nManager.getSupportedLocaleFor(ctx.request.languages()) ?? i18nManager.defaultLocale
    const message = i18nManager
      .locale(locale)
      .t('errors.E_BODY_ENCODING_INVALID', { encoding: error.encoding })
    ctx.response.status(error.status).send({ code: error.code, message })
  }
}

import app from '@adonisjs/core/services/app'
import i18nManager from '@adonisjs/i18n/services/main'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { isApiRequest, renderApiError } from '#services/api/api_errors'

export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction

  /**
   * Status pages render for every environment, so users see a page in their
   * language instead of a stack trace. JSON clients get JSON errors.
   */
  protected renderStatusPages = app.inProduction || app.inTest

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (_, { inertia }) => inertia.render('errors/forbidden', {}),
    '404': (_, { inertia }) => inertia.render('errors/not_found', {}),
    '500..599': (_, { inertia }) => inertia.render('errors/server_error', {}),
  }

  async handle(error: unknown, ctx: HttpContext) {
    if (isApiRequest(ctx)) {
      return renderApiError(error, ctx)
    }
    if (this.#isHiddenServerError(error, ctx)) {
      // The message of an unexpected error can hold SQL or file paths: the log keeps it, the client does not.
      return ctx.response.status(500).send({
        code: 'E_INTERNAL_ERROR',
        message: (ctx.i18n ?? i18nManager.locale(i18nManager.defaultLocale)).t(
          'errors.E_INTERNAL_ERROR'
        ),
        requestId: ctx.request.id(),
      })
    }
    return super.handle(error, ctx)
  }

  /** Tells whether a page's JSON request failed on an unexpected server error. */
  #isHiddenServerError(error: unknown, ctx: HttpContext) {
    const status = (error as { status?: unknown })?.status
    const serverError = typeof status !== 'number' || status >= 500
    const wantsJson =
      !ctx.request.header('x-inertia') && ctx.request.accepts(['html', 'json']) === 'json'
    return serverError && wantsJson
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}

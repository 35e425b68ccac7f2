import { I18n } from '@adonisjs/i18n'
import i18nManager from '@adonisjs/i18n/services/main'
import { RequestValidator, type HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * Validation errors use the request's language.
 */
RequestValidator.messagesProvider = (ctx) => ctx.i18n.createMessagesProvider()

/**
 * Picks the interface language: the user's own choice when signed in, else
 * the best match for the browser's Accept-Language header, else English.
 */
export default class DetectUserLocaleMiddleware {
  protected getRequestLocale(ctx: HttpContext) {
    const chosen = ctx.auth?.user?.locale
    if (chosen && i18nManager.supportedLocales().includes(chosen)) {
      return chosen
    }
    return i18nManager.getSupportedLocaleFor(ctx.request.languages()) ?? i18nManager.defaultLocale
  }

  async handle(ctx: HttpContext, next: NextFn) {
    ctx.i18n = i18nManager.locale(this.getRequestLocale(ctx))
    ctx.containerResolver.bindValue(I18n, ctx.i18n)
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    i18n: I18n
  }
}

import { I18n } from '@adonisjs/i18n'
import i18nManager from '@adonisjs/i18n/services/main'
import { RequestValidator, type HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { FieldContext } from '@vinejs/vine/types'

/**
 * Returns the name a message gives a field: for an item of a list, such as
 * `tags.0`, the list's name, because "Fill in 0." does not name the field to fix.
 */
function namedField(field: FieldContext): FieldContext {
  if (typeof field.name !== 'number' && !/^\d+$/.test(String(field.name))) {
    return field
  }
  const listName = field.wildCardPath
    .split('.')
    .filter((segment) => segment !== '*' && !/^\d+$/.test(segment))
    .pop()
  return listName ? { ...field, name: listName } : field
}

/**
 * Returns the messages provider of a request's validation: its errors use
 * the request's language, and name a list's items by the list.
 * `fieldNames` maps a field to another key under `validator.shared.fields`,
 * for a form that labels a field unlike the other forms with that field.
 *
 * The provider receives a copy of `meta`. @adonisjs/i18n 3.0.1's
 * `I18nMessagesProvider.getMessage` overwrites `meta.otherField` with the
 * translated field name, and `meta` is the rule's own options object, so
 * after one `sameAs` failure every later `sameAs` check in the process
 * compared against a field named "the password" and failed.
 */
export function validationMessages(ctx: HttpContext, fieldNames: Record<string, string> = {}) {
  const provider = ctx.i18n.createMessagesProvider()
  return {
    getMessage: (
      message: string,
      rule: string,
      field: FieldContext,
      meta?: Record<string, any>
    ) => {
      const named = namedField(field)
      const renamed = Object.hasOwn(fieldNames, String(named.name))
        ? { ...named, name: fieldNames[String(named.name)] }
        : named
      return provider.getMessage(message, rule, renamed, meta ? { ...meta } : meta)
    },
  }
}

RequestValidator.messagesProvider = (ctx) => validationMessages(ctx)

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

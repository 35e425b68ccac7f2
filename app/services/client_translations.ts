import i18nManager from '@adonisjs/i18n/services/main'

/**
 * Groups of translation keys the browser needs. Mail and validation texts
 * stay on the server.
 */
const CLIENT_PREFIXES = ['ui.', 'auth.', 'roles.', 'errors.', 'nav.', 'pages.', 'settings.']

const cache = new Map<string, Record<string, string>>()

/**
 * Returns the flat `key -> ICU message` map of one locale for the browser,
 * with the default locale's messages filling any gap.
 */
export function clientTranslations(locale: string) {
  const cached = cache.get(locale)
  if (cached) {
    return cached
  }

  const pick = (source: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(source).filter(([key]) => CLIENT_PREFIXES.some((p) => key.startsWith(p)))
    )
  const merged = {
    ...pick(i18nManager.getTranslationsFor(i18nManager.defaultLocale)),
    ...pick(i18nManager.getTranslationsFor(locale)),
  }
  cache.set(locale, merged)
  return merged
}

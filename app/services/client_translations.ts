import i18nManager from '@adonisjs/i18n/services/main'

/**
 * Translation groups that stay on the server: mail bodies and validation
 * messages. Every other group (one file per group in resources/lang) reaches
 * the browser.
 */
const SERVER_ONLY_PREFIXES = ['mail.', 'validator.']

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
      Object.entries(source).filter(
        ([key]) => !SERVER_ONLY_PREFIXES.some((prefix) => key.startsWith(prefix))
      )
    )
  const merged = {
    ...pick(i18nManager.getTranslationsFor(i18nManager.defaultLocale)),
    ...pick(i18nManager.getTranslationsFor(locale)),
  }
  cache.set(locale, merged)
  return merged
}

import i18nManager from '@adonisjs/i18n/services/main'

/**
 * Picks the language of a mail sent to a user outside any request of theirs.
 * That is the language they chose on their profile, else the language of
 * the workspace the mail is about, because no browser language is known
 * then. Neither supported, it is the default locale.
 */
export function recipientLocale(userLocale: string | null, workspaceLocale: string | null) {
  const supported = i18nManager.supportedLocales()
  for (const locale of [userLocale, workspaceLocale]) {
    if (locale && supported.includes(locale)) {
      return locale
    }
  }
  return i18nManager.defaultLocale
}

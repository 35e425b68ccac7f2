import app from '@adonisjs/core/services/app'
import { defineConfig, formatters, loaders } from '@adonisjs/i18n'

/**
 * English and Brazilian Portuguese. Translations live in resources/lang as
 * ICU messages, one folder per locale.
 */
const i18nConfig = defineConfig({
  defaultLocale: 'en',
  supportedLocales: ['en', 'pt-BR'],
  fallbackLocales: { 'pt': 'pt-BR', 'pt-PT': 'pt-BR', 'en-US': 'en', 'en-GB': 'en' },
  formatter: formatters.icu(),
  loaders: [loaders.fs({ location: app.languageFilesPath() })],
})

export default i18nConfig

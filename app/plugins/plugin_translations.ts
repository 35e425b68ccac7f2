import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import i18nManager from '@adonisjs/i18n/services/main'
import { PluginError } from '#plugins/plugin_errors'

type Translations = Record<string, Record<string, string>>

function flatten(prefix: string, value: unknown, into: Record<string, string>) {
  if (typeof value === 'string') {
    into[prefix] = value
    return
  }
  for (const [key, nested] of Object.entries(value as Record<string, unknown>)) {
    flatten(`${prefix}.${key}`, nested, into)
  }
}

/** Reads `<location>/<locale>/<group>.json` into `{ locale: { 'group.key': message } }`. */
function readLangFolder(location: string) {
  const translations: Translations = {}
  for (const locale of readdirSync(location, { withFileTypes: true })) {
    if (!locale.isDirectory()) {
      continue
    }
    const messages: Record<string, string> = {}
    for (const file of readdirSync(join(location, locale.name)).filter((name) =>
      name.endsWith('.json')
    )) {
      const content = JSON.parse(readFileSync(join(location, locale.name, file), 'utf8'))
      flatten(basename(file, '.json'), content, messages)
    }
    translations[locale.name] = messages
  }
  return translations
}

/**
 * Reads a plugin's `lang/<locale>/<group>.json` files, the layout of the
 * core's resources/lang. Every key must start with `<plugin>.`, so the
 * group file is named after the plugin (`lang/en/reports.json`).
 */
export async function readPluginTranslations(pluginName: string, directory: string) {
  const location = join(directory, 'lang')
  if (!existsSync(location)) {
    return {}
  }
  const translations = readLangFolder(location)
  for (const [locale, messages] of Object.entries(translations)) {
    const stray = Object.keys(messages).find((key) => !key.startsWith(`${pluginName}.`))
    if (stray) {
      throw new PluginError(
        pluginName,
        'E_PLUGIN_TRANSLATIONS_INVALID',
        `translation key "${stray}" (${locale}) must start with "${pluginName}.": name the file lang/${locale}/${pluginName}.json`
      )
    }
  }
  return translations
}

/**
 * Adds the plugins' translations to the i18n manager, after the core's,
 * and reloads it so `ctx.i18n.t` and the browser's translations see them.
 */
export async function installPluginTranslations(all: Translations[]) {
  for (const translations of all) {
    i18nManager.config.loaders.push(() => ({ load: async () => translations }))
  }
  if (all.length > 0) {
    await i18nManager.reloadTranslations()
  }
}

/** Whether a key has a message in the default locale, in the core or the given translations. */
export function hasTranslation(key: string, own: Translations) {
  const locale = i18nManager.defaultLocale
  return key in i18nManager.getTranslationsFor(locale) || key in (own[locale] ?? {})
}
